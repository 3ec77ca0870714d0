import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyIdOf } from "../../lib/auth/key-ring.ts";
import { verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { signAccessToken, type AccessTokenClaims } from "../../lib/auth/tokens.ts";
import { UnauthorizedError } from "../../lib/errors.ts";
import { edited, tokenEdit } from "../support/token-edits.ts";

// Property tests of the token reader (lib/auth/jws.ts through verifyAccessToken, the one entry
// the authorizer uses): whatever arrives, it answers with the claims of a token we signed or with
// the one refusal, never another error; and of a token we signed, it accepts that exact text
// alone. RUNS cases per property (fast-check prints the seed of a failing run to replay it): few
// enough to keep the unit project the loop while coding; TIMEOUT leaves a loaded machine room.

const RUNS = 1_000;
const TIMEOUT = { timeout: 30_000 };
const SECRET = process.env.JWT_SECRET!;
const MONA: AccessTokenClaims = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };

/** The claims, or "refused" for the one refusal; any other error fails the property. */
async function outcome(token: string): Promise<AccessTokenClaims | "refused"> {
  try {
    return await verifyAccessToken(token);
  } catch (error) {
    if (error instanceof UnauthorizedError && error.message === "Invalid or expired token") return "refused";
    throw error;
  }
}

/** A token signed with our key, the header and payload being these bytes, JSON or not. */
function signedBytes(header: Uint8Array, payload: Uint8Array): string {
  const signingInput = `${Buffer.from(header).toString("base64url")}.${Buffer.from(payload).toString("base64url")}`;
  return `${signingInput}.${createHmac("sha256", SECRET).update(signingInput).digest("base64url")}`;
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("the token reader, on any input", TIMEOUT, () => {
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

  it(`refuses any bytes signed with our key as header and payload, JSON or not (${RUNS} runs)`, async () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.jsonValue().map(json));
    await fc.assert(
      fc.asyncProperty(bytes, bytes, async (header, payload) => {
        expect(await outcome(signedBytes(header, payload))).toBe("refused");
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the token reader, on tokens we signed", TIMEOUT, () => {
  it(`accepts a token we signed only as it was signed: any edit is refused (${RUNS} runs)`, async () => {
    const { accessToken } = await signAccessToken(MONA);
    await fc.assert(
      fc.asyncProperty(fc.array(tokenEdit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const token = edited(accessToken, edits);
        expect(await outcome(token)).toEqual(token === accessToken ? MONA : "refused");
      }),
      { numRuns: RUNS },
    );
  });

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
