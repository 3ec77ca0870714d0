import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { pointerToken } from "./contract.ts";

// Whether a description is valid OpenAPI 3.1: the OpenAPI Initiative's JSON schema for 3.1
// documents (through @seriousme/openapi-schema-validator), its $refs, and, because that schema
// checks Schema Objects no further than "an object or a boolean", each Schema Object against the
// JSON Schema 2020-12 meta-schema (OpenAPI 3.1's schemas are 2020-12 with a few keywords added).

function errorLines(errors: ErrorObject[] | string | undefined | null, where = ""): string[] {
  if (!errors) return [];
  if (typeof errors === "string") return [errors];
  return errors.map((error) => {
    const detail = Object.entries(error.params)
      .filter(([, value]) => typeof value === "string" || typeof value === "number")
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join(", ");
    return `${where}${error.instancePath || "/"} ${error.message ?? "is invalid"}${detail ? ` (${detail})` : ""}`;
  });
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The Schema Objects of the document with their JSON pointers: `components.schemas`' entries and
 * every `schema` of a parameter, header or media type. Examples hold data, not schemas.
 */
function schemaObjects(node: unknown, pointer: string, found: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(node)) node.forEach((item, index) => schemaObjects(item, `${pointer}/${index}`, found));
  if (!isNode(node)) return found;
  for (const [key, value] of Object.entries(node)) {
    const at = `${pointer}/${pointerToken(key)}`;
    if (key === "example" || key === "examples") continue;
    if (key === "schema") found.push([at, value]);
    else if (key === "schemas" && pointer === "#/components" && isNode(value)) {
      for (const [name, schema] of Object.entries(value)) found.push([`${at}/${pointerToken(name)}`, schema]);
    } else schemaObjects(value, at, found);
  }
  return found;
}

/** What makes `doc` invalid OpenAPI 3.1; empty when it is valid. */
export async function openApiProblems(doc: object): Promise<string[]> {
  // The validator keeps the document and may add to it: it gets a copy.
  const validator = new Validator({ allErrors: true });
  const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
  if (validator.version !== "3.1") return [`openapi must be a 3.1.x version, not ${JSON.stringify((doc as Node).openapi)}`];
  const problems = result.valid ? [] : errorLines(result.errors);

  const ajv = new Ajv2020();
  for (const [pointer, schema] of schemaObjects(doc, "#")) {
    if (typeof schema === "boolean") continue;
    if (!isNode(schema)) {
      problems.push(`${pointer} is not a Schema Object`);
      continue;
    }
    // A $schema naming OpenAPI's dialect is valid; the meta-schema checked is 2020-12's either way.
    const withoutDialect = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema"));
    if (!ajv.validateSchema(withoutDialect)) problems.push(...errorLines(ajv.errors, pointer));
  }
  return problems;
}
