import { ValidationError } from "../errors.ts";

// Path parameters are strings from the URL: read them strictly, so `/users/1e3` or `/users/01`
// is a 400 rather than some other user.

const MAX_INT = 2 ** 31 - 1; // the INT columns' upper bound

export function idParam(value: string | undefined, field = "id"): number {
  const id = value !== undefined && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
  if (!(id <= MAX_INT)) throw new ValidationError("Invalid path", [{ field, message: "must be a positive whole number" }]);
  return id;
}
