import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../lib/auth/passwords.ts";
import { resetConfig } from "../../lib/config.ts";
import { ValidationError } from "../../lib/errors.ts";

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
});
