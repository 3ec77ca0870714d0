import type { ErrorObject } from "ajv";
import type { FieldError } from "../errors.ts";

// Ajv's errors in the API's `{field, message}` shape, said in words. Apart from input-check.ts so
// that modules which only report field errors do not pull Ajv into their bundles.

// What a missing field, an unknown field and an unknown query parameter are told: the checks and
// the API description say the same words.
export const IS_REQUIRED = "is required";
export const NOT_A_KNOWN_FIELD = "is not a known field";
export const NOT_A_KNOWN_PARAMETER = "is not a known parameter";

/** At most this many errors, and field names this long, so no body can ask for a long answer. */
export const MAX_FIELD_ERRORS = 5;
const MAX_FIELD_NAME = 64;

/** Patterns the schemas use, said in words: a regular expression means nothing to most people. */
const PATTERN_MESSAGES: Record<string, string> = {
  "^[A-Za-z0-9_.-]+$": "may contain only letters, digits, _ . -",
  "^[A-Za-z0-9](.*[A-Za-z0-9])?$": "must start and end with a letter or digit",
  "^[^\\u0000-\\u001F\\u007F-\\u009F]*$": "must not contain control characters",
};

/** A field name as answers repeat it: cut short, so a huge key in a body is not echoed back. */
export function shortFieldName(field: string): string {
  return field.length > MAX_FIELD_NAME ? `${field.slice(0, MAX_FIELD_NAME)}…` : field;
}

const ARTICLES: Record<string, string> = { array: "an array", object: "an object", integer: "an integer" };

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as {
    allowedValues?: unknown[];
    allowedValue?: unknown;
    pattern?: string;
    type?: string;
    limit?: number;
    format?: string;
  };
  const limit = params.limit ?? 0;
  switch (error.keyword) {
    case "type":
      return `must be ${ARTICLES[params.type ?? ""] ?? `a ${params.type}`}`;
    case "minLength":
      return limit === 1 ? "must not be empty" : `must be at least ${plural(limit, "character")}`;
    case "maxLength":
      return `must be at most ${plural(limit, "character")}`;
    case "maxItems":
      return `must have at most ${plural(limit, "item")}`;
    case "format":
      return params.format === "email" ? "must be a valid email address" : `must be a valid ${params.format}`;
    case "enum":
      return `must be one of: ${(params.allowedValues ?? []).join(", ")}`;
    case "const":
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case "uniqueItems":
      return "must not name the same item twice";
    case "pattern":
      return PATTERN_MESSAGES[params.pattern ?? ""] ?? "has characters that are not allowed";
    default:
      return error.message ?? "is invalid";
  }
}

/** Field `name`'s first Ajv error; an error inside it names the path (`roles.2`). */
export function fieldErrorOf(name: string, error: ErrorObject): FieldError {
  const inner = error.instancePath.split("/").filter(Boolean);
  return { field: shortFieldName([name, ...inner].join(".")), message: messageOf(error) };
}
