import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { assertStorablePassword, hashPassword, verifyPassword } from "../../lib/auth/passwords.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { ValidationError } from "../../lib/errors.ts";

/** The ValidationError `act` throws, or fails the test. */
async function validationErrorOf(act: () => unknown): Promise<ValidationError> {
  const error = await Promise.resolve()
    .then(act)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

const NO_CONTROL_CHARACTERS = "must not contain control characters";

describe("passwords", () => {
  afterEach(() => {
    process.env.BCRYPT_COST = "4";
    resetConfig();
  });

  it("hashes at the configured cost", async () => {
    process.env.BCRYPT_COST = "5";
    resetConfig();
    const hash = await hashPassword("correct horse");
    expect(bcrypt.getRounds(hash)).toBe(5);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("wrong horse", hash)).toBe(false);
  });

  it("refuses to hash more than bcrypt reads", async () => {
    await expect(hashPassword("é".repeat(37))).rejects.toBeInstanceOf(ValidationError);
  });

  it("never matches when there is no user, even for an empty password", async () => {
    expect(await verifyPassword("", undefined)).toBe(false);
    expect(await verifyPassword("anything", undefined)).toBe(false);
  });

  describe("control characters", () => {
    it.each([
      ["NUL inside", "pw\u0000anything"],
      ["NUL first", "\u0000password"],
      ["a tab", "pass\tword"],
      ["a line feed", "password\n"],
      ["U+001F, the last of C0", "pass\u001Fword"],
      ["DEL", "pass\u007Fword"],
      ["U+0080, the first of C1", "pass\u0080word"],
      ["U+009F, the last of C1", "pass\u009Fword"],
    ])("refuses to store a password with %s, naming the field", async (_case, password) => {
      const error = await validationErrorOf(() => hashPassword(password));
      expect(error.errors).toEqual([{ field: "password", message: NO_CONTROL_CHARACTERS }]);
      expect((await validationErrorOf(() => assertStorablePassword(password, "newPassword"))).errors).toEqual([
        { field: "newPassword", message: NO_CONTROL_CHARACTERS },
      ]);
    });

    it.each([
      ["a space, just past C0", "pass word"],
      ["U+00A0, just past C1", "pass\u00A0word"],
    ])("stores a password with %s", async (_case, password) => {
      expect(await verifyPassword(password, await hashPassword(password))).toBe(true);
    });

    it("answers a presented password with NUL with a 400, the same with or without an account", async () => {
      const hash = await hashPassword("pw-before-the-nul");
      for (const stored of [hash, undefined]) {
        const error = await validationErrorOf(() => verifyPassword("pw-before-the-nul\u0000anything", stored));
        expect(error.errors).toEqual([{ field: "password", message: NO_CONTROL_CHARACTERS }]);
      }
    });

    it("names the field the presented password came in", async () => {
      const error = await validationErrorOf(() => verifyPassword("current\u0085", undefined, "currentPassword"));
      expect(error.errors).toEqual([{ field: "currentPassword", message: NO_CONTROL_CHARACTERS }]);
      // Front ends show only `message`: it says the problem in words.
      expect(error.message).toBe("Current password must not contain control characters");
    });
  });

  describe("Unicode normalization (NFKC)", () => {
    it.each([
      ["the ligature ﬁ", "ﬁnance-pass", "finance-pass"],
      ["plain fi", "finance-pass", "ﬁnance-pass"],
      ["full-width letters", "ＰＡＳＳＷＯＲＤ１", "PASSWORD1"],
      ["ASCII letters", "PASSWORD1", "ＰＡＳＳＷＯＲＤ１"],
      ["a composed é", "caf\u00E9-latte", "cafe\u0301-latte"],
      ["a decomposed é", "cafe\u0301-latte", "caf\u00E9-latte"],
    ])("a password stored with %s signs in typed either way", async (_case, stored, other) => {
      const hash = await hashPassword(stored);
      expect(await verifyPassword(stored, hash)).toBe(true);
      expect(await verifyPassword(other, hash)).toBe(true);
      // What is stored is the hash of the normalized form, whichever form came in.
      expect(await bcrypt.compare(stored.normalize("NFKC"), hash)).toBe(true);
    });

    it.each([
      ["an accent", "café-latte", "cafe-latte"],
      ["case", "Password1", "password1"],
    ])("keeps passwords that differ in %s apart", async (_case, stored, other) => {
      expect(await verifyPassword(other, await hashPassword(stored))).toBe(false);
    });

    it.each([
      ["not in NFKC (decomposed é)", "cafe\u0301-latte"],
      ["not in NFKC (full-width)", "ＰＡＳＳＷＯＲＤ１"],
    ])("signs in with a password stored before normalization, %s, typed as it was", async (_case, password) => {
      const legacyHash = await bcrypt.hash(password, 4);
      expect(await verifyPassword(password, legacyHash)).toBe(true);
      expect(await verifyPassword(`${password}-wrong`, legacyHash)).toBe(false);
    });

    it.each([
      ["in NFKC", "plain-password", 1],
      ["not in NFKC", "cafe\u0301-latte", 2],
    ])("compares a wrong password %s as often for a user as for no user", async (_case, password, comparisons) => {
      const hash = await hashPassword("the-real-password");
      const compare = vi.spyOn(bcrypt, "compare");
      expect(await verifyPassword(password, hash)).toBe(false);
      expect(compare).toHaveBeenCalledTimes(comparisons);
      compare.mockClear();
      expect(await verifyPassword(password, undefined)).toBe(false);
      expect(compare).toHaveBeenCalledTimes(comparisons);
    });

    it("refuses to store a password that holds fewer than 8 characters once normalized", async () => {
      const password = "e\u0301".repeat(4); // 8 code points as sent, "éééé" once normalized
      expect((await validationErrorOf(() => hashPassword(password))).errors).toEqual([
        { field: "password", message: "must be at least 8 characters once Unicode-normalized (NFKC)" },
      ]);
    });

    it("stores a password that is 8 characters only once normalized, and says a short one is short", async () => {
      const hash = await hashPassword("ﬁﬁﬁﬁ"); // 4 characters as sent, "fifififi" once normalized
      expect(await verifyPassword("fifififi", hash)).toBe(true);
      expect((await validationErrorOf(() => hashPassword("seven-7"))).message).toBe("Password must be at least 8 characters");
    });

    it("refuses a lone surrogate, which has no UTF-8 form", async () => {
      expect((await validationErrorOf(() => hashPassword("abcdefgh\ud800"))).errors).toEqual([
        { field: "password", message: "must be valid Unicode text (it holds half of a surrogate pair)" },
      ]);
      expect(await hashPassword("abcdefgh\ud83d\ude00")).toMatch(/^\$2b\$/);
    });
  });

  describe("bcrypt's 72 bytes, counted in the normalized form", () => {
    it("stores and matches 24 × € (3 bytes each), exactly 72 bytes", async () => {
      const password = "€".repeat(24);
      expect(await verifyPassword(password, await hashPassword(password))).toBe(true);
    });

    it("refuses 24 × € and one more byte", async () => {
      expect((await validationErrorOf(() => hashPassword(`${"€".repeat(24)}a`))).errors).toEqual([
        { field: "password", message: "must be at most 72 bytes in UTF-8" },
      ]);
    });

    it("refuses a password of 14 bytes that NFKC makes 74 (U+FDFA is 33 bytes once normalized)", async () => {
      const password = "password\uFDFA\uFDFA";
      expect(Buffer.byteLength(password)).toBe(14);
      expect((await validationErrorOf(() => hashPassword(password))).errors).toEqual([
        { field: "password", message: "must be at most 72 bytes in UTF-8 once Unicode-normalized (NFKC)" },
      ]);
    });

    it("stores a password of 75 bytes that NFKC makes 25 (full-width letters), typed either way", async () => {
      const password = "Ａ".repeat(25);
      expect(Buffer.byteLength(password)).toBe(75);
      const hash = await hashPassword(password);
      expect(await verifyPassword(password, hash)).toBe(true);
      expect(await verifyPassword("A".repeat(25), hash)).toBe(true);
    });

    it("never matches a password whose normalized form runs past 72 bytes, however right its first 72", async () => {
      const stored = `${"a".repeat(39)}\uFDFA`; // 72 bytes once normalized
      const hash = await hashPassword(stored);
      expect(await verifyPassword(stored, hash)).toBe(true);
      expect(await verifyPassword(`${stored}x`, hash)).toBe(false);
    });
  });
});
