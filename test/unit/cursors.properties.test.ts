import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/users/cursors.ts";
import { CURSOR_PATTERN, listQueryParameters, START_CURSOR } from "../../lib/users/schemas.ts";

// Property tests of the list's cursors (lib/users/cursors.ts): the `cursor` query parameter is
// whatever the client sends back. Every cursor given out is read back as its id and fits the
// pattern the API description states; any other string is the cursor's 400, never another error
// and never some other page. fast-check prints the seed of a failing run.

/** The id, or "refused" for the cursor's one refusal; any other error fails the property. */
function outcome(cursor: string): number | "refused" {
  try {
    return decodeCursor(cursor);
  } catch (error) {
    if (error instanceof ValidationError && error.message === listQueryParameters.cursor.error.message) return "refused";
    throw error;
  }
}

/** The id whose cursor is exactly this string (its text `u:` and the id in decimal), or "refused". */
function givenOutId(cursor: string): number | "refused" {
  const digits = /^u:(0|[1-9]\d*)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"))?.[1];
  const lastId = Number(digits);
  // base64url decoding forgives (padding, stray characters): only the exact encoding is ours.
  return digits !== undefined && Number.isSafeInteger(lastId) && encodeCursor(lastId) === cursor ? lastId : "refused";
}

const id = fc.oneof(fc.nat(), fc.maxSafeNat());

describe("list cursors", () => {
  it("read back every cursor given out as its id, each one fitting the described pattern (1000 runs)", () => {
    fc.assert(
      fc.property(id, (lastId) => {
        const cursor = encodeCursor(lastId);
        expect(cursor).toMatch(new RegExp(CURSOR_PATTERN));
        expect(outcome(cursor)).toBe(lastId);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuse any string that is not a cursor given out, and only those (2000 runs)", () => {
    // Near misses too: other text behind the cursor's own prefix, and cursors edited by a character.
    const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");
    const candidate = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.stringMatching(new RegExp(CURSOR_PATTERN)),
      fc.string({ maxLength: 20 }).map((text) => base64url(`u:${text}`)),
      fc.constantFrom("-1", "01", "1.0", "1e3", " 1", "9007199254740993", "0x1").map((text) => base64url(`u:${text}`)),
      fc.tuple(id, fc.nat(), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.")).map(([lastId, at, char]) => {
        const cursor = encodeCursor(lastId);
        const i = at % cursor.length;
        return cursor.slice(0, i) + char + cursor.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(candidate, (cursor) => {
        expect(outcome(cursor)).toBe(givenOutId(cursor));
      }),
      { numRuns: 2000 },
    );
  });

  it("read the described default cursor as the start of the list", () => {
    expect(outcome(START_CURSOR)).toBe(0);
  });
});
