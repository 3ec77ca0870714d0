import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE64URL, edited, tokenEdit } from "../support/token-edits.ts";
import { hashRefreshToken, issueRefreshToken, parseRefreshToken, successorRefreshToken } from "../../lib/auth/refresh-tokens.ts";

// Property tests of the refresh token's form (lib/auth/refresh-tokens.ts): the refresh routes
// take any string as a token. Every token issued parses back to its session and the hash that is
// stored for it; any string not of the form `<32 hex digits>.<43 base64url characters>` names no
// session at all. fast-check prints the seed of a failing run.

const HEX = "0123456789abcdef";

const sessionId = fc.string({ unit: fc.constantFrom(...HEX), minLength: 32, maxLength: 32 });
/** A token of our form: what issueRefreshToken and successorRefreshToken give out. */
const ourForm = fc
  .tuple(sessionId, fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 }))
  .map(([id, secret]) => `${id}.${secret}`);

/** Each part's alphabet and length, checked character by character rather than by a pattern. */
function isOurForm(token: string): boolean {
  const [id, secret, ...rest] = token.split(".");
  return (
    rest.length === 0 &&
    id?.length === 32 &&
    [...id].every((char) => HEX.includes(char)) &&
    secret?.length === 43 &&
    [...secret].every((char) => BASE64URL.includes(char))
  );
}

describe("refresh tokens, parsed", () => {
  it("give back the session and stored hash of every token issued or succeeded (500 runs)", () => {
    fc.assert(
      fc.property(sessionId, fc.string(), (id, salt) => {
        const issued = issueRefreshToken(id);
        const successor = successorRefreshToken(id, salt, issued.token);
        for (const { token, hash } of [issued, successor]) {
          expect(parseRefreshToken(token)).toEqual({ sessionId: id, hash });
          expect(hash).toBe(hashRefreshToken(token));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("name a session for a string of the token's form, and for no other string (2000 runs)", () => {
    const editedToken = fc.tuple(ourForm, fc.array(tokenEdit, { minLength: 1, maxLength: 2 })).map(([token, edits]) => edited(token, edits));
    // Standard base64's + / = and upper-case hex in place of one character: the likeliest near misses.
    const nearMiss = fc
      .tuple(ourForm, fc.nat(75), fc.constantFrom("+", "/", "=", "A", "F", "g"))
      .map(([token, at, char]) => token.slice(0, at) + char + token.slice(at + 1));
    const candidate = fc.oneof(ourForm, editedToken, nearMiss, fc.string({ unit: "binary", maxLength: 100 }));
    fc.assert(
      fc.property(candidate, (token) => {
        const expected = isOurForm(token) ? { sessionId: token.slice(0, 32), hash: hashRefreshToken(token) } : undefined;
        expect(parseRefreshToken(token)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
