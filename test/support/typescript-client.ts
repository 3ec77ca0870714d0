import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";

// The TypeScript types a client generates from the description with openapi-typescript (its
// programmatic API; `npx openapi-typescript openapi.json` writes the same text).

/** The `.d.ts` text openapi-typescript generates for `doc`: `paths`, `components`, `operations`. */
export async function typescriptDeclarations(doc: object): Promise<string> {
  // openapi-typescript may annotate the document it is given: it gets a copy.
  return astToString(await openapiTS(structuredClone(doc) as OpenAPI3));
}
