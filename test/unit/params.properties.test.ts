import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../lib/errors.ts";
import { MAX_FIELD_ERRORS } from "../../lib/validation/field-errors.ts";
import { idParam, queryParameters, userIdParameter } from "../../lib/http/params.ts";

// Property tests of the path and query parameters (lib/http/params.ts), read from the URL as the
// client wrote it: an id is one exact spelling of one number in range, and a query holds only
// names the route knows, each once. fast-check prints the seed of a failing run.

/** The INT columns' bound, as the API description states it. */
const MAX_INT = userIdParameter.schema.maximum;

/** The id, or "refused" for idParam's one refusal; any other error fails the property. */
function idOutcome(value: string): number | "refused" {
  try {
    return idParam(value);
  } catch (error) {
    if (error instanceof ValidationError && error.message === userIdParameter.error.message) return "refused";
    throw error;
  }
}

describe("the {id} path parameter", () => {
  it("reads every id from 1 to 2³¹−1 written in decimal (1000 runs)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_INT }), (id) => {
        expect(idOutcome(String(id))).toBe(id);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses any other string: another spelling, zero, out of range or not a number (2000 runs)", () => {
    const spelling = fc.oneof(
      fc.string({ unit: "binary", maxLength: 14 }),
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.integer().map(String),
      fc.bigInt({ min: BigInt(MAX_INT) + 1n, max: 10n ** 12n }).map(String),
      fc
        .tuple(fc.integer({ min: 1, max: MAX_INT }), fc.constantFrom("0", "+", "-", " ", "0x", "", ""), fc.constantFrom("", ".0", "e0", " ", "%20", ""))
        .map(([id, before, after]) => `${before}${id}${after}`),
    );
    fc.assert(
      fc.property(spelling, (value) => {
        const canonical = /^\d+$/.test(value) && String(Number(value)) === value && Number(value) >= 1 && Number(value) <= MAX_INT;
        expect(idOutcome(value)).toBe(canonical ? Number(value) : "refused");
      }),
      { numRuns: 2000 },
    );
  });
});

/** The query's values, or how many fields its refusal names; any other error fails the property. */
function queryOutcome(query: Record<string, string[]>, known: readonly string[]) {
  try {
    return { answer: queryParameters(query, known) };
  } catch (error) {
    if (error instanceof ValidationError) return { refusedFields: error.errors?.length };
    throw error;
  }
}

describe("the query string", () => {
  const KNOWN = ["limit", "cursor"] as const;
  const name = fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 10 }));
  const values = fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 });

  it("answers each known name given once, or refuses unknown and repeated names, at most 5 of them (1000 runs)", () => {
    fc.assert(
      fc.property(fc.dictionary(name, values, { maxKeys: 8 }), (query) => {
        const entries = Object.entries(query);
        const wrong = entries.filter(([key, given]) => !(KNOWN as readonly string[]).includes(key) || given.length > 1);
        const expected =
          wrong.length === 0
            ? { answer: Object.fromEntries(entries.map(([key, given]) => [key, given[0]])) }
            : { refusedFields: Math.min(wrong.length, MAX_FIELD_ERRORS) };
        expect(queryOutcome(query, KNOWN)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
