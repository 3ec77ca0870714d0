import { createHash } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import { NotFoundError } from "../errors.ts";
import { PAGE_CSP, PAGE_PERMISSIONS_POLICY } from "../http/page-policy.ts";
import { readSwaggerUiFile, swaggerUiVersion, type SwaggerUiFile } from "./swagger-ui-files.ts";

/** The 404 of an asset name not in DOCS_ASSET_FILES; the route table documents it. */
export const NO_SUCH_ASSET = "No such file among the docs page's assets";

// GET /api/docs: Swagger UI on the API's description (GET /api/docs/openapi.json), with every
// file it loads served by the same function (GET /api/docs/assets/{file}): no CDN, and a policy
// that lets the page run nothing inline and fetch nothing from elsewhere.
//
// Every URL in the page is relative to the page, /<stage>/api/docs without a trailing slash:
// "docs/assets/x" is /<stage>/api/docs/assets/x behind API Gateway's stage, a custom domain's base
// path, or serverless-offline's /dev alike, with no need to know which.

const HTML = "text/html; charset=utf-8";
const JAVASCRIPT = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

// The policy allows no inline script, so Swagger UI is started from a file of ours.
const INIT_SCRIPT = `"use strict";
window.ui = SwaggerUIBundle({
  url: "docs/openapi.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  // The default sends the description to validator.swagger.io for a badge.
  validatorUrl: null,
});
`;
const INIT_SCRIPT_VERSION = createHash("sha256").update(INIT_SCRIPT).digest("hex").slice(0, 16);

interface Asset {
  contentType: string;
  /** What the page's URL for it carries as ?v=: it changes whenever the content does. */
  version(): string;
  body(): string;
}

const swaggerUiAsset = (file: SwaggerUiFile, contentType: string): Asset => ({
  contentType,
  version: swaggerUiVersion,
  body: () => readSwaggerUiFile(file),
});

const ASSETS = {
  "swagger-ui-bundle.js": swaggerUiAsset("swagger-ui-bundle.js", JAVASCRIPT),
  "swagger-ui.css": swaggerUiAsset("swagger-ui.css", CSS),
  "docs-init.js": {
    contentType: JAVASCRIPT,
    version: () => INIT_SCRIPT_VERSION,
    body: () => INIT_SCRIPT,
  },
} satisfies Record<string, Asset>;

type AssetName = keyof typeof ASSETS;

/** The names GET /api/docs/assets/{file} knows. */
export const DOCS_ASSET_FILES = Object.keys(ASSETS) as AssetName[];

/** The files the page loads, read once per container, when first asked for. */
const bodies = new Map<string, string>();

function assetUrl(file: AssetName): string {
  return `docs/assets/${file}?v=${encodeURIComponent(ASSETS[file].version())}`;
}

function page(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>auth-api: API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetUrl("swagger-ui.css")}">
</head>
<body>
<noscript>This reference runs on JavaScript. The API's description is at <a href="docs/openapi.json">docs/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${assetUrl("swagger-ui-bundle.js")}"></script>
<script src="${assetUrl("docs-init.js")}"></script>
</body>
</html>
`;
}

/**
 * The page, for a request to `path` (event.path). API Gateway sends /api/docs/ here too, from
 * where the page's relative URLs would miss by one folder: that gets a redirect to /api/docs,
 * relative as well ("../docs", one "../" per trailing slash). serverless-offline strips the slash
 * before routing, so the function cannot tell: there, /dev/api/docs/ shows the page without its files.
 */
export function docsPage(path: string): APIGatewayProxyResult {
  const trailingSlashes = /\/*$/.exec(path)![0].length;
  if (trailingSlashes > 0) {
    return { statusCode: 301, headers: { Location: `${"../".repeat(trailingSlashes)}docs` }, body: "" };
  }
  // no-cache: the browser asks again every time, and so learns a new deploy's asset versions.
  const headers = { "Content-Type": HTML, "Content-Security-Policy": PAGE_CSP, "Permissions-Policy": PAGE_PERMISSIONS_POLICY, "Cache-Control": "no-cache" };
  return { statusCode: 200, headers, body: page() };
}

/**
 * One of the page's files. Cached for a year only when asked for by the URL the page gives it
 * (?v= the current version): a new version is a new URL, so a browser never keeps an old file
 * under the current one's. Any other URL of it must be checked again every time.
 */
export function docsAsset(file: string, version: string | undefined): APIGatewayProxyResult {
  const asset: Asset | undefined = Object.hasOwn(ASSETS, file) ? ASSETS[file as AssetName] : undefined;
  if (!asset) throw new NotFoundError(NO_SUCH_ASSET);
  let body = bodies.get(file);
  if (body === undefined) bodies.set(file, (body = asset.body()));
  const cacheControl = version === asset.version() ? "public, max-age=31536000, immutable" : "no-cache";
  return { statusCode: 200, headers: { "Content-Type": asset.contentType, "Cache-Control": cacheControl }, body };
}
