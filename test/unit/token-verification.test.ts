import { createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/authorizer.ts";
import { ISSUED_AT_SKEW_SECONDS, MAX_ACCESS_TOKEN_LENGTH, verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { UnauthorizedError } from "../../lib/errors.ts";
import { tokenAuthorizerEvent } from "../support/lambda-events.ts";

// Tokens forged byte by byte, each differing from one well-formed token in one respect, so that
// a refusal can only come from that respect. The clock is fixed (Date only) to test the edges.

const SECRET = process.env.JWT_SECRET!;
const NOW = 1_800_000_000;
const ISSUER = "serverless-auth-api";
const HS256 = { alg: "HS256", typ: "JWT" };

type Signer = (signingInput: string) => string;

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function hmac(hash: string, key: string = SECRET): Signer {
  return (input) => createHmac(hash, key).update(input).digest("base64url");
}

function forge(header: object, payload: object, sign: Signer = hmac("sha256")): string {
  return forgeText(JSON.stringify(header), JSON.stringify(payload), sign);
}

/** A token whose header and payload are these texts (or bytes), JSON or not. */
function forgeText(header: string | Buffer, payload: string | Buffer, sign: Signer = hmac("sha256")): string {
  const signingInput = `${Buffer.from(header).toString("base64url")}.${Buffer.from(payload).toString("base64url")}`;
  return `${signingInput}.${sign(signingInput)}`;
}

/** The JSON text of `value` with `bytes` put where the text says `@@`: bytes that are not UTF-8. */
function jsonWithBytes(value: object, bytes: number[]): Buffer {
  const [before = "", after = ""] = JSON.stringify(value).split("@@");
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
}

/** The claims' JSON text with one time claim's value written as `literal` (JSON.stringify cannot write 1e999). */
function claimsTextWith(name: string, literal: string): string {
  return JSON.stringify(claims({ [name]: "@@" })).replace('"@@"', literal);
}

function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: "42", username: "mona", roles: ["user"], iss: ISSUER, aud: ISSUER, iat: NOW, exp: NOW + 60, ...changes };
}

function claimsWithout(name: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims()).filter(([key]) => key !== name));
}

/** A correctly signed token exactly `length` characters long, padded in its header and payload. */
function signedTokenOfLength(length: number): string {
  // base64url skips one length in four, so two padded parts are needed to reach any length.
  for (let headerPad = 0; headerPad < 3; headerPad++) {
    // Four base64url characters carry three bytes: start a few bytes short of the length asked.
    const shortBy = length - forge({ ...HS256, pad: "h".repeat(headerPad) }, claims({ pad: "" })).length;
    for (let pad = Math.max(0, Math.floor((shortBy * 3) / 4) - 3); pad < length; pad++) {
      const token = forge({ ...HS256, pad: "h".repeat(headerPad) }, claims({ pad: "p".repeat(pad) }));
      if (token.length === length) return token;
      if (token.length > length) break;
    }
  }
  throw new Error(`no token of ${length} characters`);
}

async function expectRefused(token: string): Promise<void> {
  const refusal = await verifyAccessToken(token).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(UnauthorizedError);
  expect((refusal as UnauthorizedError).message).toBe("Invalid or expired token");
}

const MONA = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW * 1000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("verifyAccessToken", () => {
  it("accepts the well-formed token every other case changes in one respect", async () => {
    expect(await verifyAccessToken(forge(HS256, claims()))).toEqual(MONA);
  });

  it.each([
    { claim: true, read: true },
    { claim: "true", read: false },
    { claim: 1, read: false },
  ])("reads email_verified: $claim as emailVerified $read (only the boolean true counts)", async ({ claim, read }) => {
    expect(await verifyAccessToken(forge(HS256, claims({ email_verified: claim })))).toEqual({ ...MONA, emailVerified: read });
  });

  describe("signature and algorithm", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rs256: Signer = (input) => createSign("RSA-SHA256").update(input).sign(privateKey, "base64url");

    it.each([
      ["alg none without a signature", () => forge({ alg: "none", typ: "JWT" }, claims(), () => "")],
      ["alg none with our HS256 signature", () => forge({ alg: "none", typ: "JWT" }, claims())],
      ["no alg at all", () => forge({ typ: "JWT" }, claims())],
      ["alg hs256 in lower case", () => forge({ alg: "hs256", typ: "JWT" }, claims())],
      ["HS384 signed with our secret", () => forge({ alg: "HS384", typ: "JWT" }, claims(), hmac("sha384"))],
      ["HS512 signed with our secret", () => forge({ alg: "HS512", typ: "JWT" }, claims(), hmac("sha512"))],
      ["RS256 signed with a key pair of its own", () => forge({ alg: "RS256", typ: "JWT" }, claims(), rs256)],
      ["HS256 signed with another key", () => forge(HS256, claims(), hmac("sha256", "another-secret-0123456789-0123456789"))],
    ])("refuses %s", async (_case, token) => {
      await expectRefused(token());
    });

    it("refuses a payload changed after signing, the signature kept", async () => {
      const [header, , signature] = forge(HS256, claims()).split(".");
      await expectRefused(`${header}.${base64url(claims({ roles: ["user", "moderator", "admin"] }))}.${signature}`);
    });

    it("refuses the signature spelt another way that decodes to the same bytes: one spelling per signature", async () => {
      // 32 bytes take 43 base64url characters, the last of which carries 2 bits that decoding drops.
      const token = forge(HS256, claims());
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const respelt = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) ^ 1];
      const signatureBytes = (jws: string) => Buffer.from(jws.split(".")[2]!, "base64url");
      expect(signatureBytes(respelt)).toEqual(signatureBytes(token));
      await expectRefused(respelt);
    });

    it.each([
      ["a fourth part", () => `${forge(HS256, claims())}.${hmac("sha256")("x")}`],
      ["a signature in base64 rather than base64url", () => forge(HS256, claims(), (input) => createHmac("sha256", SECRET).update(input).digest("base64"))],
    ])("refuses a token with %s", async (_case, token) => {
      await expectRefused(token());
    });
  });

  describe("header and payload", () => {
    it.each([
      ["a header that is not JSON", () => forgeText('{"alg":"HS256"', JSON.stringify(claims()))],
      ["a payload that is a string", () => forgeText(JSON.stringify(HS256), JSON.stringify(JSON.stringify(claims())))],
      ["a payload that is null", () => forgeText(JSON.stringify(HS256), "null")],
      ["a payload that is not JSON", () => forgeText(JSON.stringify(HS256), JSON.stringify(claims()).slice(0, -1))],
    ])("refuses a correctly signed token with %s", async (_case, token) => {
      await expectRefused(token());
    });

    // RFC 7515 §4.1.11: a recipient that does not understand an extension crit names must refuse
    // the token. We understand none, so any crit is refused, even an empty list (which the RFC forbids).
    it.each([
      ["crit naming an extension it carries", { ...HS256, crit: ["exp"], exp: NOW + 60 }],
      ["crit naming b64 (RFC 7797)", { ...HS256, crit: ["b64"], b64: false }],
      ["an empty crit list", { ...HS256, crit: [] }],
      ["crit that is not a list", { ...HS256, crit: "exp" }],
    ])("refuses a correctly signed token whose header has %s", async (_case, header) => {
      await expectRefused(forge(header, claims()));
    });

    // RFC 8725 §3.11: explicit typing keeps another kind of JWT signed with the same key from
    // passing as an access token. Our signer has always written typ "JWT" (jsonwebtoken did too,
    // before lib/auth/jws.ts), so every token ever issued carries it: a missing typ is refused too.
    it.each([
      ["no typ", { alg: "HS256" }],
      ['typ "at+jwt" (another kind of token)', { alg: "HS256", typ: "at+jwt" }],
      ['typ "jwt" in lower case', { alg: "HS256", typ: "jwt" }],
      ["typ null", { alg: "HS256", typ: null }],
    ])("refuses a correctly signed token with %s", async (_case, header) => {
      await expectRefused(forge(header, claims()));
    });

    // Buffer.toString("utf8") would replace the bad bytes with U+FFFD and accept a username the
    // signer never wrote; a fatal decoder refuses the token.
    it.each([
      ["a byte that is never UTF-8 in a claim", [0xff]],
      ["an overlong encoding of '/'", [0xc0, 0xaf]],
      ["an encoded lone surrogate", [0xed, 0xa0, 0x80]],
      ["a truncated sequence", [0xe2, 0x82]],
    ])("refuses a correctly signed token whose payload has %s", async (_case, bytes) => {
      await expectRefused(forgeText(JSON.stringify(HS256), jsonWithBytes(claims({ username: "mo@@na" }), bytes)));
    });

    it("refuses a correctly signed token whose header is not UTF-8", async () => {
      await expectRefused(forgeText(jsonWithBytes({ ...HS256, note: "@@" }, [0xff]), JSON.stringify(claims())));
    });

    it("refuses a correctly signed token whose payload starts with a byte order mark", async () => {
      await expectRefused(forgeText(JSON.stringify(HS256), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(claims()))])));
    });
  });

  describe("times", () => {
    it.each([
      ["without exp", claimsWithout("exp")],
      ["that expires now", claims({ exp: NOW })],
      ["without iat", claimsWithout("iat")],
      ["with iat as a string", claims({ iat: String(NOW) })],
      ["with exp as a string", claims({ exp: String(NOW + 60) })],
      ["with nbf as a string", claims({ nbf: String(NOW) })],
      [`issued ${ISSUED_AT_SKEW_SECONDS + 1} s from now, past the allowed skew`, claims({ iat: NOW + ISSUED_AT_SKEW_SECONDS + 1 })],
      ["issued an hour from now", claims({ iat: NOW + 3600, exp: NOW + 3660 })],
      ["not valid before a second from now", claims({ nbf: NOW + 1 })],
    ])("refuses a token %s", async (_case, payload) => {
      await expectRefused(forge(HS256, payload));
    });

    // NumericDates as our signer writes them: whole seconds from 0 to 2^53 - 1. 1e999 parses to
    // Infinity, a token that would never expire.
    it.each([
      ["exp", "1e999"],
      ["exp", "1e300"],
      ["exp", String(NOW + 60.5)],
      ["iat", "-1e999"],
      ["iat", String(NOW - 0.5)],
      ["iat", "-1"],
      ["nbf", "-1e999"],
      ["nbf", String(NOW - 0.5)],
      ["nbf", "-1"],
    ])("refuses a token whose %s is %s", async (name, literal) => {
      await expectRefused(forgeText(JSON.stringify(HS256), claimsTextWith(name, literal)));
    });

    it.each([
      ["that expires in a second", claims({ exp: NOW + 1 })],
      [`issued ${ISSUED_AT_SKEW_SECONDS} s from now, within the allowed skew`, claims({ iat: NOW + ISSUED_AT_SKEW_SECONDS })],
      ["valid from now on", claims({ nbf: NOW })],
    ])("accepts a token %s", async (_case, payload) => {
      expect(await verifyAccessToken(forge(HS256, payload))).toEqual(MONA);
    });
  });

  describe("subject", () => {
    it.each(["0x1", " 1 ", "1 ", "1e0", "01", "+1", "1.0", "-1", "0", "", "9007199254740992", 42])(
      "refuses sub %j: one user, one spelling",
      async (sub) => {
        await expectRefused(forge(HS256, claims({ sub })));
      },
    );

    it.each([
      ["1", 1],
      ["9007199254740991", Number.MAX_SAFE_INTEGER],
    ])("accepts sub %j as user %d", async (sub, userId) => {
      expect(await verifyAccessToken(forge(HS256, claims({ sub })))).toEqual({ ...MONA, userId });
    });
  });

  describe("issuer and audience", () => {
    it.each([
      ["another issuer", claims({ iss: "someone-else" })],
      ["no issuer", claimsWithout("iss")],
      ["another audience", claims({ aud: "someone-else" })],
      ["no audience", claimsWithout("aud")],
      ["a list of audiences without ours", claims({ aud: ["someone-else", "another"] })],
    ])("refuses a token with %s", async (_case, payload) => {
      await expectRefused(forge(HS256, payload));
    });

    it("accepts a list of audiences that holds ours (RFC 7519)", async () => {
      expect(await verifyAccessToken(forge(HS256, claims({ aud: ["someone-else", ISSUER] })))).toEqual(MONA);
    });
  });

  describe("length", () => {
    it(`accepts a correctly signed token of ${MAX_ACCESS_TOKEN_LENGTH} characters`, async () => {
      expect(await verifyAccessToken(signedTokenOfLength(MAX_ACCESS_TOKEN_LENGTH))).toEqual(MONA);
    });

    it("refuses a correctly signed token one character longer, without decoding it", async () => {
      const parse = vi.spyOn(JSON, "parse");
      await expectRefused(signedTokenOfLength(MAX_ACCESS_TOKEN_LENGTH + 1));
      expect(parse).not.toHaveBeenCalled();
    });
  });
});

describe("the authorizer and a 64 KB Authorization header", () => {
  it.each([
    ["a correctly signed 64 KB token", () => signedTokenOfLength(64 * 1024)],
    // Well formed, so that only the length check stops it before JSON.parse.
    ["an unsigned 64 KB token of three parts", () => `${"a".repeat(32 * 1024)}.${"b".repeat(32 * 1024 - 8)}.c`],
  ])("answers exactly 'Unauthorized' to %s without decoding it", async (_case, token) => {
    const parse = vi.spyOn(JSON, "parse");
    await expect(handler(tokenAuthorizerEvent(`Bearer ${token()}`))).rejects.toThrow(/^Unauthorized$/);
    expect(parse).not.toHaveBeenCalled();
  });
});
