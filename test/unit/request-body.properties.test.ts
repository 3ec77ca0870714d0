import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/errors.ts";
import { MAX_BODY_BYTES, requestBody } from "../../lib/http/request-body.ts";
import { signupSchema } from "../../lib/users/schemas.ts";
import { httpEvent } from "../support/lambda-events.ts";

// Property tests of the body reader (lib/http/request-body.ts), the middleware every route with a
// body runs on what the client sent: whatever arrives, it hands the handler an object or throws
// one of its 4xx errors, never anything else (a 500). fast-check prints the seed of a failing run.

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";
const STATUSES = [200, 400, 413, 415];

type Outcome = { status: 200; body: unknown } | { status: number; message: string };

/** What the reader makes of a body: the handler's body, or the status and message of its error. */
function read(body: string, contentType: string | undefined, { base64 = false, forms = true } = {}): Outcome {
  // The chain lower-cases header names before the reader runs (http-header-normalizer).
  const event = httpEvent({ method: "POST", rawBody: body, isBase64Encoded: base64 });
  event.headers = contentType === undefined ? {} : { "content-type": contentType };
  const reader = requestBody(signupSchema, { forms });
  try {
    void reader.before!({ event } as never);
  } catch (error) {
    if (error instanceof ApiError) return { status: error.statusCode, message: error.message };
    throw error;
  }
  return { status: 200, body: event.body };
}

const byteLength = (text: string) => Buffer.byteLength(text, "utf8");

const contentType = fc.oneof(
  fc.constantFrom(JSON_TYPE, FORM_TYPE, `${JSON_TYPE}; charset=utf-8`, `${FORM_TYPE};charset=UTF8`, "text/plain", "application/json; charset=utf-16", ""),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constant(undefined),
);

const anyBody = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.dictionary(fc.string(), fc.string()).map((fields) => new URLSearchParams(fields).toString()),
);

describe("the body reader, on any body", () => {
  it("hands the handler an object or answers 400, 413 or 415, never another error (1000 runs)", () => {
    fc.assert(
      fc.property(anyBody, contentType, fc.boolean(), fc.boolean(), (body, type, base64, forms) => {
        const text = base64 ? Buffer.from(body).toString("base64") : body;
        const outcome = read(text, type, { base64, forms });
        expect(STATUSES).toContain(outcome.status);
        const handed = "body" in outcome ? outcome.body : {};
        expect(typeof handed === "object" && handed !== null && !Array.isArray(handed)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses a body with 413 exactly when its UTF-8 bytes, decoded from base64 if so, exceed the limit (300 runs)", () => {
    // A character (1 to 4 bytes in UTF-8) repeated up to a few bytes either side of the limit.
    const nearLimit = fc
      .tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.integer({ min: -8, max: 8 }))
      .map(([char, offset]) => char.repeat(Math.ceil((MAX_BODY_BYTES + offset) / byteLength(char))));
    fc.assert(
      fc.property(nearLimit, contentType, fc.boolean(), (body, type, base64) => {
        const outcome = read(base64 ? Buffer.from(body).toString("base64") : body, type, { base64 });
        expect(outcome.status === 413).toBe(byteLength(body) > MAX_BODY_BYTES);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the body reader, on JSON", () => {
  it("refuses any JSON value that is not an object (1000 runs)", () => {
    const notAnObject = fc.jsonValue().filter((value) => typeof value !== "object" || value === null || Array.isArray(value));
    fc.assert(
      fc.property(notAnObject, (value) => {
        expect(read(JSON.stringify(value), JSON_TYPE)).toEqual({ status: 400, message: "Request body must be a JSON object" });
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses __proto__, constructor and prototype as a key at any depth up to the nesting limit (500 runs)", () => {
    const key = fc.constantFrom("__proto__", "constructor", "prototype");
    // The key's object in up to 6 objects or arrays, in one object: 8 levels, the reader's limit.
    const wrappers = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)), { maxLength: 6 });
    fc.assert(
      fc.property(key, fc.jsonValue(), wrappers, (name, value, around) => {
        let text = `{"username":"ada",${JSON.stringify(name)}:${JSON.stringify(value)}}`;
        for (const wrapper of around) text = wrapper === null ? `[1,${text}]` : `{${JSON.stringify(wrapper)}:${text}}`;
        if (around.length > 0) text = `{"email":${text}}`;
        expect(read(text, JSON_TYPE)).toEqual({ status: 400, message: `Request body must not use the key "${name}"` });
      }),
      { numRuns: 500 },
    );
  });

  it("refuses any charset but UTF-8 with 415 (300 runs)", () => {
    const charset = fc
      .oneof(fc.constantFrom("utf-16", "UTF-16LE", "latin1", "iso-8859-1", "us-ascii", "utf-88", "xutf-8"), fc.stringMatching(/^[A-Za-z0-9-]{1,16}$/))
      .filter((name) => !/^utf-?8$/i.test(name));
    fc.assert(
      fc.property(charset, fc.constantFrom(JSON_TYPE, FORM_TYPE), (name, type) => {
        expect(read("{}", `${type}; charset=${name}`).status).toBe(415);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the body reader, on forms", () => {
  it("reads any form as it reads the same fields sent as JSON: same body or same error (500 runs)", () => {
    const value = fc.string({ unit: "grapheme", maxLength: 40 });
    const name = fc.oneof(fc.constantFrom("username", "email", "password"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }));
    const fields = fc.record(
      {
        strings: fc.uniqueArray(fc.tuple(name, value), { maxLength: 5, selector: ([key]) => key }),
        roles: fc.option(fc.array(fc.constantFrom("user", "moderator", "admin", "root"), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      },
    );
    fc.assert(
      fc.property(fields, ({ strings, roles }) => {
        const entries = strings.filter(([key]) => key !== "roles");
        const asJson = Object.fromEntries(roles === undefined ? entries : [...entries, ["roles", roles]]);
        const form = new URLSearchParams(entries);
        for (const role of roles ?? []) form.append("roles", role);
        expect(read(form.toString(), FORM_TYPE)).toEqual(read(JSON.stringify(asJson), JSON_TYPE));
      }),
      { numRuns: 500 },
    );
  });
});
