import { ValidationError } from "../errors.ts";

// Path parameters are strings from the URL: read them strictly, so `/users/1e3` or `/users/01`
// is a 400 rather than some other user.

const MAX_INT = 2 ** 31 - 1; // the INT columns' upper bound

export function idParam(value: string | undefined, field = "id"): number {
  const id = value !== undefined && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
  if (!(id <= MAX_INT)) throw new ValidationError("Invalid path", [{ field, message: `must be a whole number from 1 to ${MAX_INT}` }]);
  return id;
}

/**
 * The query string as one value per name. API Gateway keeps only the last of repeated names in
 * queryStringParameters; `?limit=1&limit=2` is ambiguous, so it is refused rather than guessed.
 */
export function singleQueryParameters(
  multiValue: Record<string, string[] | undefined> | null,
): Record<string, string> {
  const single: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, values = []] of Object.entries(multiValue ?? {})) {
    if (values.length > 1) repeated.push(name);
    if (values[0] !== undefined) single[name] = values[0];
  }
  if (repeated.length > 0) {
    throw new ValidationError(
      "Invalid query",
      repeated.slice(0, 10).map((name) => ({ field: name.slice(0, 64), message: "is given more than once" })),
    );
  }
  return single;
}
