import { createHmac, createPrivateKey, createPublicKey, createSecretKey, sign } from "node:crypto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsedJws, verifiedPayload, type AlgorithmKey } from "../../lib/auth/jws.ts";
import { keyIdOf } from "../../lib/auth/key-ring.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { signAccessToken, type AccessTokenClaims } from "../../lib/auth/tokens.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { UnauthorizedError } from "../../lib/errors.ts";
import { edited, tokenEdit } from "../support/token-edits.ts";

// Property tests of the token reader (lib/auth/jws.ts, and verifyAccessToken, the one entry the
// authorizer uses): whatever arrives, parsedJws and verifiedPayload answer without throwing and
// verifyAccessToken with the claims of a token we signed or with the one refusal, never another
// error; and of a token we signed (HS256, RS256 or ES256), they accept that exact text alone.
// RUNS cases per property (fast-check prints the seed of a failing run to replay it): few enough
// to keep the unit project the loop while coding; TIMEOUT leaves a loaded machine room.

const RUNS = 1_000;
/** For the properties that sign a token per run: an RSA signature costs many times a check. */
const SIGNING_RUNS = 300;
const TIMEOUT = { timeout: 30_000 };
const SECRET = process.env.JWT_SECRET!;
const MONA: AccessTokenClaims = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };

/** The unit setup's RSA key pair, and an EC one that takes its place in the key ring for ES256. */
const KEY_PAIRS = [
  ["RS256", process.env.JWT_PRIVATE_KEY!],
  ["ES256", newSigningKeyPem("ES256")],
] as const;
/** Every key the reader could check with: the HMAC secret and the key pairs' public keys. */
const VERIFICATION_KEYS: AlgorithmKey[] = [
  { alg: "HS256", key: createSecretKey(Buffer.from(SECRET)) },
  ...KEY_PAIRS.map(([alg, pem]) => ({ alg, key: createPublicKey(pem) })),
];

/** The claims, or "refused" for the one refusal; any other error fails the property. */
async function outcome(token: string): Promise<AccessTokenClaims | "refused"> {
  try {
    return await verifyAccessToken(token);
  } catch (error) {
    if (error instanceof UnauthorizedError && error.message === "Invalid or expired token") return "refused";
    throw error;
  }
}

type Signer = (signingInput: string) => string;

const withSecret: Signer = (signingInput) => createHmac("sha256", SECRET).update(signingInput).digest("base64url");

/** A token signed with one of our keys (the HMAC secret unless said), of these header and payload bytes, JSON or not. */
function signedBytes(header: Uint8Array, payload: Uint8Array, signer: Signer = withSecret): string {
  const signingInput = `${Buffer.from(header).toString("base64url")}.${Buffer.from(payload).toString("base64url")}`;
  return `${signingInput}.${signer(signingInput)}`;
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** What a JWT payload of these bytes says (RFC 7519 §7.2): a JSON object in UTF-8, or nothing. */
function jsonObjectIn(bytes: Uint8Array): unknown {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

describe("the token reader, on any input", TIMEOUT, () => {
  it(`reads any string without throwing, and no key of ours accepts it (${RUNS} runs)`, () => {
    const threeParts = fc.stringMatching(/^[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{1,400}$/);
    const candidate = fc.oneof(fc.string({ unit: "binary", maxLength: 600 }), threeParts);
    fc.assert(
      fc.property(candidate, (token) => {
        const jws = parsedJws(token);
        for (const key of VERIFICATION_KEYS) expect(jws && verifiedPayload(jws, key)).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses any string, and never throws another error (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 600 }), async (token) => {
        expect(await outcome(token)).toBe("refused");
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses any three base64url parts it did not sign (${RUNS} runs)`, async () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/);
    await fc.assert(
      fc.asyncProperty(part, part, part, async (header, payload, signature) => {
        expect(await outcome(`${header}.${payload}.${signature}`)).toBe("refused");
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses any bytes signed with our HMAC secret as header and payload, JSON or not (${RUNS} runs)`, async () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.jsonValue().map(json));
    await fc.assert(
      fc.asyncProperty(bytes, bytes, async (header, payload) => {
        expect(await outcome(signedBytes(header, payload))).toBe("refused");
      }),
      { numRuns: RUNS },
    );
  });
});

/** A byte edit of one part of a token (0 its header, 1 its payload, 2 its signature), decoded. */
interface ByteEdit {
  part: 0 | 1 | 2;
  /** Flip the bit `byte % 8` of a byte, put `byte` in a byte's place, insert it, or delete a byte. */
  kind: "flip" | "replace" | "insert" | "delete";
  at: number;
  byte: number;
}

const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  part: fc.constantFrom(0, 1, 2),
  kind: fc.constantFrom("flip", "replace", "insert", "delete"),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

/** `token` with each edit applied to the bytes its part decodes to, written back as base64url. */
function byteEdited(token: string, edits: readonly ByteEdit[]): string {
  const parts = token.split(".").map((part) => Buffer.from(part, "base64url"));
  for (const { part, kind, at, byte } of edits) {
    const bytes = parts[part]!;
    const i = at % (bytes.length + 1);
    if (kind === "insert") parts[part] = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
    else if (kind === "delete") parts[part] = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
    else if (i < bytes.length) bytes[i] = kind === "flip" ? bytes[i]! ^ (1 << (byte % 8)) : byte;
  }
  return parts.map((bytes) => bytes.toString("base64url")).join(".");
}

describe.each(KEY_PAIRS)("the token reader, on %s tokens we signed", (alg, pem) => {
  const saved = { ...process.env };
  const verificationKey: AlgorithmKey = { alg, key: createPublicKey(pem) };
  let accessToken: string;
  let payload: Record<string, unknown>;

  beforeEach(async () => {
    process.env.JWT_PRIVATE_KEY = pem;
    resetConfig();
    ({ accessToken } = await signAccessToken(MONA));
    payload = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(JSON.parse(Buffer.from(accessToken.split(".")[0]!, "base64url").toString())).toMatchObject({ alg });
  });

  afterEach(() => {
    process.env = { ...saved };
    resetConfig();
  });

  it(`accepts the token only as it was signed: any character edit is refused (${RUNS} runs)`, TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tokenEdit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const token = edited(accessToken, edits);
        expect(await outcome(token)).toEqual(token === accessToken ? MONA : "refused");
      }),
      { numRuns: RUNS },
    );
  });

  it(`accepts no byte edit that changes its header, payload or signature, and throws on none (${RUNS} runs)`, TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(byteEdit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const token = byteEdited(accessToken, edits);
        const unchanged = token === accessToken;
        const jws = parsedJws(token);
        expect(jws && verifiedPayload(jws, verificationKey)).toEqual(unchanged ? payload : undefined);
        expect(await outcome(token)).toEqual(unchanged ? MONA : "refused");
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses any other signature bytes under its header and payload, of any length (${RUNS} runs)`, TIMEOUT, async () => {
    const signingInput = accessToken.slice(0, accessToken.lastIndexOf("."));
    const length = Buffer.from(accessToken.slice(signingInput.length + 1), "base64url").length;
    // Signatures of the right length too, where node:crypto goes on to the arithmetic.
    const signature = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.uint8Array({ minLength: length, maxLength: length }));
    await fc.assert(
      fc.asyncProperty(signature, async (bytes) => {
        const token = `${signingInput}.${Buffer.from(bytes).toString("base64url")}`;
        expect(verifiedPayload(parsedJws(token)!, verificationKey)).toBeUndefined();
        expect(await outcome(token)).toBe("refused");
      }),
      { numRuns: RUNS },
    );
  });

  it(`reads back exactly the payload the key pair signed, or refuses it, whatever its bytes (${SIGNING_RUNS} runs)`, TIMEOUT, async () => {
    // Prepare: our header, and payloads that are any JSON value or any bytes at all.
    const header = json(JSON.parse(Buffer.from(accessToken.split(".")[0]!, "base64url").toString()));
    const privateKey = createPrivateKey(pem);
    const signer: Signer = (input) =>
      sign("sha256", Buffer.from(input), alg === "RS256" ? privateKey : { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map(json), fc.uint8Array({ maxLength: 300 })), async (bytes) => {
        const token = signedBytes(header, bytes, signer);
        const jws = parsedJws(token);
        expect(jws && verifiedPayload(jws, verificationKey)).toEqual(jsonObjectIn(bytes));
        // None of these is a set of claims we would sign: no sub, exp, iss...
        expect(await outcome(token)).toBe("refused");
      }),
      { numRuns: SIGNING_RUNS },
    );
  });
});

describe("the token reader, on HS256 tokens we signed", TIMEOUT, () => {
  it(`ignores header parameters it does not know, but refuses any crit among them (${RUNS} runs)`, async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: "42", username: "mona", roles: ["user"], iss: "serverless-auth-api", aud: "serverless-auth-api", iat: now, exp: now + 60 };
    const known = new Set(["alg", "typ", "kid", "crit"]);
    const extra = fc.dictionary(fc.string({ maxLength: 8 }).filter((name) => !known.has(name)), fc.jsonValue(), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(extra, fc.option(fc.jsonValue(), { nil: undefined }), async (parameters, crit) => {
        const header = { ...parameters, alg: "HS256", typ: "JWT", kid: keyIdOf(SECRET), ...(crit === undefined ? {} : { crit }) };
        expect(await outcome(signedBytes(json(header), json(claims)))).toEqual(crit === undefined ? MONA : "refused");
      }),
      { numRuns: RUNS },
    );
  });
});
