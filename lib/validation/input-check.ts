import type { JSONSchema } from "json-schema-to-ts";
import { invalidFields, ValidationError, type FieldError } from "../errors.ts";
import { fieldErrorOf, IS_REQUIRED, MAX_FIELD_ERRORS, NOT_A_KNOWN_FIELD, shortFieldName } from "./field-errors.ts";
import { FIELD_VALIDATORS, type FieldValidator } from "./field-validators.generated.js";
import { fieldSchemaKey, type ObjectSchema } from "./input-schema.ts";

export type { ObjectSchema } from "./input-schema.ts";

// Inputs (HTTP bodies and ops inputs) are flat objects. Each field is checked by its own Ajv
// function that stops at the field's first error (allErrors: false, as Ajv's security notes
// advise for untrusted data), and the whole check stops after MAX_FIELD_ERRORS: a body of
// thousands of bad items or unknown keys costs a few checks and answers a few lines. The field
// functions are compiled ahead of time (`npm run validators`, scripts/compile-validators.ts), so
// no handler loads Ajv or compiles a schema when its container starts.

/** Checks an input; returns its field errors, at most MAX_FIELD_ERRORS, or none. */
export type InputCheck = (input: Record<string, unknown>) => FieldError[];

function compiledValidator(name: string, fieldSchema: JSONSchema): FieldValidator {
  const validate = FIELD_VALIDATORS.get(fieldSchemaKey(fieldSchema));
  if (!validate) throw new Error(`field "${name}" has no compiled validator: run npm run validators`);
  return validate;
}

/** The check of an input against `schema`, from the field validators compiled ahead of time. */
export function inputCheckFor(schema: ObjectSchema): InputCheck {
  const fields = Object.entries(schema.properties).map(([name, fieldSchema]) => ({
    name,
    required: schema.required?.includes(name) ?? false,
    validate: compiledValidator(name, fieldSchema),
  }));
  const known = new Set(fields.map((field) => field.name));

  return (input) => {
    const errors: FieldError[] = [];
    for (const { name, required, validate } of fields) {
      if (!Object.hasOwn(input, name)) {
        if (required) errors.push({ field: name, message: IS_REQUIRED });
      } else if (!validate(input[name]) && validate.errors?.[0]) {
        errors.push(fieldErrorOf(name, validate.errors[0]));
      }
    }
    for (const key in input) {
      if (errors.length >= MAX_FIELD_ERRORS) break;
      if (Object.hasOwn(input, key) && !known.has(key)) errors.push({ field: shortFieldName(key), message: NOT_A_KNOWN_FIELD });
    }
    return errors.slice(0, MAX_FIELD_ERRORS);
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `input` as the schema's type, or a ValidationError saying its first problem in words. */
export function assertValidInput<T>(check: InputCheck, input: unknown): T {
  if (!isPlainObject(input)) throw new ValidationError("The input must be a JSON object");
  const [first, ...rest] = check(input);
  if (first) throw invalidFields([first, ...rest]);
  return input as T;
}
