import { invalidFields, ValidationError, type FieldError } from "../errors.ts";
import { MAX_FIELD_ERRORS, NOT_A_KNOWN_PARAMETER, shortFieldName } from "../validation/field-errors.ts";

// Path parameters are strings from the URL: read them strictly, so `/users/1e3` or `/users/01`
// is a 400 rather than some other user.

const MAX_INT = 2 ** 31 - 1; // the INT columns' upper bound

const ID_RULE = `must be a whole number from 1 to ${MAX_INT}`;

/** The `{id}` of a user's path as the API description states it, with idParam's error. */
export const userIdParameter = {
  description: "The user's id.",
  schema: { type: "integer", minimum: 1, maximum: MAX_INT },
  error: {
    summary: "The id in the path is not a whole number from 1 to 2³¹−1",
    message: `The user id in the path ${ID_RULE}`,
    errors: [{ field: "id", message: ID_RULE }],
  },
} as const;

export function idParam(value: string | undefined): number {
  const id = value !== undefined && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
  if (!(id <= MAX_INT)) {
    const { message, errors } = userIdParameter.error;
    throw new ValidationError(message, errors.map((error) => ({ ...error })));
  }
  return id;
}

/**
 * The query string as one value per name, refusing names the route does not know and names given
 * twice: API Gateway keeps only the last of repeated names, and `?limit=1&limit=2` is ambiguous.
 */
export function queryParameters(
  multiValue: Record<string, string[] | undefined> | null,
  known: readonly string[],
): Record<string, string> {
  const single: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [name, values = []] of Object.entries(multiValue ?? {})) {
    if (!known.includes(name)) errors.push({ field: shortFieldName(name), message: NOT_A_KNOWN_PARAMETER });
    else if (values.length > 1) errors.push({ field: name, message: "is given more than once" });
    else if (values[0] !== undefined) single[name] = values[0];
  }
  const [first, ...rest] = errors.slice(0, MAX_FIELD_ERRORS);
  if (first) throw invalidFields([first, ...rest]);
  return single;
}
