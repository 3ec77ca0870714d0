// `npm run openapi`: writes the OpenAPI description (lib/openapi/openapi.ts) to openapi.json, the copy
// that GET /api/docs/openapi.json serves and that clients import. A unit test fails while the
// committed file is not what this writes today.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openApiDocument } from "../lib/openapi/openapi.ts";

export const OPENAPI_FILE = join(resolve(import.meta.dirname, ".."), "openapi.json");

/** The file's text: two-space JSON and a final newline, so diffs read well. */
export function openApiFileText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1] === import.meta.filename) {
  writeFileSync(OPENAPI_FILE, openApiFileText());
  console.log("wrote openapi.json");
}
