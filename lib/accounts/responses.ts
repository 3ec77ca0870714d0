import type { FromSchema } from "json-schema-to-ts";

// The account routes' success answers: their types and their part of the OpenAPI description.

/** A 202: the request is taken, and what happens next is said in words. */
export const acceptedSchema = {
  type: "object",
  additionalProperties: false,
  required: ["message"],
  properties: { message: { type: "string" } },
} as const;
export type Accepted = FromSchema<typeof acceptedSchema>;
