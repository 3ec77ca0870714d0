import { DOCS_ASSET_FILES, NO_SUCH_ASSET } from "../docs-page/page.ts";
import type { RouteDescription } from "./route-description.ts";

// The API's own description and the docs page that shows it: public, no database.

export const apiDescriptionRoute = {
  method: "get",
  path: "/api/docs/openapi.json",
  function: "apiDescription",
  operationId: "getApiDescription",
  tag: "docs",
  summary: "This description (OpenAPI 3.1)",
  description:
    "The OpenAPI 3.1 description of this API, with `servers` set to the stage that serves it: import it into Postman, or generate a typed client from it.",
  success: {
    status: 200,
    description: "The OpenAPI document.",
    content: { "application/json": { type: "object", required: ["openapi", "info", "paths"] } },
  },
} as const satisfies RouteDescription;

export const docsPageRoute = {
  method: "get",
  path: "/api/docs",
  function: "docs",
  operationId: "getDocsPage",
  tag: "docs",
  summary: "The interactive docs page",
  description: "Swagger UI for this description, served by this API with no outside resource, with \"Try it out\" against this stage.",
  success: { status: 200, description: "The page.", content: { "text/html": { type: "string" } } },
  moved: "`/api/docs/` (a trailing slash, from where the page's relative links would miss): to `../docs`.",
} as const satisfies RouteDescription;

export const docsAssetRoute = {
  method: "get",
  path: "/api/docs/assets/{file}",
  function: "docs",
  operationId: "getDocsAsset",
  tag: "docs",
  summary: "A script or style sheet of the docs page",
  description: "Swagger UI's files and the page's own script.",
  pathParameters: { file: { description: "The file's name.", schema: { type: "string", enum: DOCS_ASSET_FILES } } },
  query: {
    v: {
      description: "The file's version, as the page links it: with the current one, the answer may be cached for a year.",
      schema: { type: "string" },
    },
  },
  success: {
    status: 200,
    description: "The file.",
    content: { "text/javascript": { type: "string" }, "text/css": { type: "string" } },
  },
  errors: { 404: [{ summary: "No such file", message: NO_SUCH_ASSET }] },
} as const satisfies RouteDescription;
