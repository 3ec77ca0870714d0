import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { JSONSchema } from "json-schema-to-ts";
import { ValidationError } from "./errors.ts";
import { fieldErrors } from "./field-errors.ts";

// One Ajv instance for every schema: HTTP bodies (through @middy/validator) and ops inputs.

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv, ["email"]);

export function compileSchema(schema: JSONSchema): ValidateFunction {
  return ajv.compile(schema as object);
}

/** Validates `data`, throwing ValidationError with the field errors when it does not fit. */
export function assertValid<T>(validate: ValidateFunction, data: unknown): T {
  if (!validate(data)) throw new ValidationError("Invalid request body", fieldErrors(validate.errors));
  return data as T;
}
