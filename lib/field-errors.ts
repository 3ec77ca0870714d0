import type { ErrorObject } from "ajv";
import type { FieldError } from "./errors.ts";

// Ajv's errors in the API's `{field, message}` shape. Apart from lib/validation.ts so that the
// error mapper, which every route loads, does not pull Ajv into bundles that validate nothing.

/** At most this many errors, and field names this long, so a small body cannot ask for a huge answer. */
export const MAX_FIELD_ERRORS = 10;
const MAX_FIELD_NAME = 64;

/** Patterns the schemas use, said in words: a regular expression means nothing to most people. */
const PATTERN_MESSAGES: Record<string, string> = {
  "^[A-Za-z0-9_.-]+$": "may contain only the letters A-Z and a-z, digits, and _ . -",
};

function fieldOf(error: ErrorObject, root: string): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const segments = error.instancePath.split("/").filter(Boolean);
  const child = params.missingProperty ?? params.additionalProperty;
  if (child) segments.push(child);
  if (segments[0] === root) segments.shift();
  return shortFieldName(segments.join(".") || root);
}

/** A field name as answers repeat it: cut short, so a huge key in a body is not echoed back. */
export function shortFieldName(field: string): string {
  return field.length > MAX_FIELD_NAME ? `${field.slice(0, MAX_FIELD_NAME)}…` : field;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown; pattern?: string };
  switch (error.keyword) {
    case "additionalProperties":
      return "is not a known field";
    case "required":
      return "is required";
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

/**
 * One error per field (the first Ajv reports), at most MAX_FIELD_ERRORS of them; `root` is dropped
 * from the start of paths.
 */
export function fieldErrors(errors: ErrorObject[] | null | undefined, root = ""): FieldError[] {
  const byField = new Map<string, string>();
  for (const error of errors ?? []) {
    if (byField.size >= MAX_FIELD_ERRORS) break;
    const field = fieldOf(error, root);
    if (!byField.has(field)) byField.set(field, messageOf(error));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
