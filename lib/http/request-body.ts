import type middy from "@middy/core";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { MIMEType } from "node:util";
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from "../errors.ts";
import { assertValidInput, inputCheckFor, type ObjectSchema } from "../validation/input-check.ts";

// Reads, parses and validates a route's body. Written here rather than taken from
// @middy/http-json-body-parser and @middy/validator, which answer malformed JSON with 422, have no
// size limit, refuse `application/json ; charset=utf-8`, ignore the charset, parse no forms and
// validate with one Ajv call that either stops at the first error or reports all of them.

/** Our bodies are a few fields; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 16 * 1024;
/** The schemas nest two levels (an object holding an array); deeper input is never valid. */
const MAX_DEPTH = 8;
/** Keys that mean something to JavaScript objects: no input of ours uses them. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";

export interface BodyOptions {
  /** Also accept `application/x-www-form-urlencoded` (signup and signin, for forms and Postman). */
  forms?: boolean;
}

export const BODY_TOO_LARGE = `Request body must be at most ${MAX_BODY_BYTES / 1024} KB`;
export const BODY_NOT_JSON = "Request body is not valid JSON";

/** The 415's message: the media types a route takes. */
export function unsupportedContentType(options: BodyOptions): string {
  return `Content-Type must be ${acceptedTypes(options).join(" or ")}`;
}

function acceptedTypes(options: BodyOptions): MediaType[] {
  return options.forms ? [JSON_TYPE, FORM_TYPE] : [JSON_TYPE];
}

// Made only when thrown: an error captures a stack, work a request that passes should not pay for.
const tooLarge = () => new PayloadTooLargeError(BODY_TOO_LARGE);

/** The body as text, refused with 413 when it is over MAX_BODY_BYTES, before anything decodes it. */
function bodyText(event: APIGatewayProxyEvent): string {
  const raw = event.body ?? "";
  if (event.isBase64Encoded) {
    if (raw.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) throw tooLarge();
    const bytes = Buffer.from(raw, "base64");
    if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
    return bytes.toString("utf8");
  }
  // Every character is at least one byte, so a long string is refused without counting bytes.
  if (raw.length > MAX_BODY_BYTES || Buffer.byteLength(raw, "utf8") > MAX_BODY_BYTES) throw tooLarge();
  return raw;
}

type MediaType = typeof JSON_TYPE | typeof FORM_TYPE;

function mediaTypeOf(header: string | undefined, options: BodyOptions): MediaType {
  const accepted = acceptedTypes(options);
  const unsupported = () => new UnsupportedMediaTypeError(unsupportedContentType(options));
  let type: MIMEType;
  try {
    type = new MIMEType(header ?? "");
  } catch {
    throw unsupported();
  }
  const essence = accepted.find((candidate) => candidate === type.essence);
  if (!essence) throw unsupported();
  const charset = type.params.get("charset");
  if (charset !== null && !/^utf-?8$/i.test(charset)) {
    throw new UnsupportedMediaTypeError(`Request body must be UTF-8 (charset=utf-8), not ${charset.slice(0, 32)}`);
  }
  return essence;
}

/** Refuses keys JavaScript gives meaning to, and nesting deeper than any input of ours. */
function assertPlainData(value: unknown): void {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value !== "object" || item.value === null) continue;
    if (item.depth > MAX_DEPTH) throw new ValidationError(`Request body must not nest more than ${MAX_DEPTH} levels deep`);
    for (const [key, child] of Object.entries(item.value)) {
      if (FORBIDDEN_KEYS.has(key)) throw new ValidationError(`Request body must not use the key "${key}"`);
      pending.push({ value: child, depth: item.depth + 1 });
    }
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw new ValidationError("Request body is empty: send a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the body, which may hold a password: never pass it on.
    throw new ValidationError(BODY_NOT_JSON);
  }
}

/**
 * A form's fields as the schema types them: a field the schema calls an array takes every value
 * given (`roles=user&roles=admin`); any other field must be given once.
 */
function formFields(text: string, schema: ObjectSchema): Record<string, unknown> {
  const form = new URLSearchParams(text);
  const fields: [string, unknown][] = [];
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    const fieldSchema = schema.properties[name] as { type?: unknown } | undefined;
    if (fieldSchema?.type === "array") fields.push([name, values]);
    else if (values.length > 1) throw new ValidationError(`Form field "${name.slice(0, 64)}" must be given once`);
    else fields.push([name, values[0]]);
  }
  // fromEntries defines own properties: a field named __proto__ stays a field (and is refused).
  return Object.fromEntries(fields);
}

/** The route's body, parsed from JSON (or a form) and checked against its schema, as `event.body`. */
export function requestBody(schema: ObjectSchema, options: BodyOptions = {}): middy.MiddlewareObj<APIGatewayProxyEvent> {
  const check = inputCheckFor(schema);
  return {
    before: ({ event }) => {
      const text = bodyText(event);
      const input = mediaTypeOf(event.headers["content-type"], options) === FORM_TYPE ? formFields(text, schema) : parseJson(text);
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new ValidationError("Request body must be a JSON object");
      }
      assertPlainData(input);
      Object.assign(event, { body: assertValidInput(check, input) });
    },
  };
}
