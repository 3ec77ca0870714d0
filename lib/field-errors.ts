import type { ErrorObject } from "ajv";
import type { FieldError } from "./errors.ts";

// Ajv's errors in the API's `{field, message}` shape. Apart from lib/validation.ts so that the
// error mapper, which every route loads, does not pull Ajv into bundles that validate nothing.

function fieldOf(error: ErrorObject, root: string): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const segments = error.instancePath.split("/").filter(Boolean);
  const child = params.missingProperty ?? params.additionalProperty;
  if (child) segments.push(child);
  if (segments[0] === root) segments.shift();
  return segments.join(".") || root;
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === "additionalProperties") return "is not a known field";
  if (error.keyword === "required") return "is required";
  return error.message ?? "is invalid";
}

/** One error per field (the first Ajv reports); `root` is dropped from the start of paths. */
export function fieldErrors(errors: ErrorObject[] | null | undefined, root = ""): FieldError[] {
  const byField = new Map<string, string>();
  for (const error of errors ?? []) {
    const field = fieldOf(error, root);
    if (!byField.has(field)) byField.set(field, messageOf(error));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
