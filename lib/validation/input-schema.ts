import type { JSONSchema } from "json-schema-to-ts";

// What an input schema is, apart from input-check.ts: the script that compiles the validators
// (scripts/compile-validators.ts) needs it before any compiled validator exists.

/** The shape every input schema has: named fields and nothing else. */
export interface ObjectSchema {
  type: "object";
  additionalProperties: false;
  required?: readonly string[];
  properties: Readonly<Record<string, JSONSchema>>;
}

/** How a field schema is found among the compiled validators: its JSON. */
export function fieldSchemaKey(fieldSchema: JSONSchema): string {
  return JSON.stringify(fieldSchema);
}

/** An input schema, as scripts/compile-validators.ts finds them among a module's exports. */
export function isObjectSchema(value: unknown): value is ObjectSchema {
  const schema = value as Partial<ObjectSchema> | null;
  return typeof schema === "object" && schema?.type === "object" && schema.additionalProperties === false && typeof schema.properties === "object" && schema.properties !== null;
}

