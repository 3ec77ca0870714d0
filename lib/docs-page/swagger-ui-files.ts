import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// The Swagger UI files the docs page serves, as the tests and tsx run it: from node_modules.
// A bundle gets another module in this one's place (plugins/esbuild-plugins.js,
// swaggerUiBesideBundle), which reads the copies written beside the bundle: the 1.9 MB stay out
// of the code V8 compiles at every cold start, and out of every other function's zip.

const require = createRequire(import.meta.url);

/** The files of swagger-ui-dist that the page loads (the plugin's SWAGGER_UI_FILES). */
export type SwaggerUiFile = "swagger-ui-bundle.js" | "swagger-ui.css";

/** The version of swagger-ui-dist the files come from. */
export function swaggerUiVersion(): string {
  return (require("swagger-ui-dist/package.json") as { version: string }).version;
}

export function readSwaggerUiFile(name: SwaggerUiFile): string {
  return readFileSync(require.resolve(`swagger-ui-dist/${name}`), "utf8");
}
