import { createHash } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import { MIN_PASSWORD_LENGTH } from "../auth/fields.ts";
import { NotFoundError } from "../errors.ts";
import { escapeHtml } from "../http/escape-html.ts";
import { PAGE_CSP, PAGE_PERMISSIONS_POLICY } from "../http/page-policy.ts";
import { ACCOUNT_PAGES_SCRIPT, ACCOUNT_PAGES_STYLE } from "./assets.ts";

// The pages mailed links open when no front end is named (ACCOUNT_LINK_BASE_URL, docs/account-
// recovery.md): GET /api/auth/reset-password and GET /api/auth/verify-email, with their script and
// style sheet at GET /api/auth/pages/{file}. Opening a page spends nothing: mail scanners open
// every link. The page's script reads the token from the fragment (#token=…) and posts it only
// when the person submits the form.
//
// Every URL in a page is relative to it, /<stage>/api/auth/<page>: "pages/x" and "password/reset"
// resolve under API Gateway's stage, a custom domain's base path or serverless-offline's /dev alike.

/** The 404 of a file name not in ACCOUNT_PAGE_FILES; the route table documents it. */
export const NO_SUCH_PAGE_FILE = "No such file among the account pages' files";

/** What a page calls the account when the stage sets no PRODUCT_NAME. */
export const DEFAULT_PRODUCT_NAME = "your account";

const HTML = "text/html; charset=utf-8";

interface Asset {
  contentType: string;
  body: string;
  /** What the page's URL for it carries as ?v=: it changes whenever the content does. */
  version: string;
}

function asset(contentType: string, body: string): Asset {
  return { contentType, body, version: createHash("sha256").update(body).digest("hex").slice(0, 16) };
}

const ASSETS = {
  "account-pages.js": asset("text/javascript; charset=utf-8", ACCOUNT_PAGES_SCRIPT),
  "account-pages.css": asset("text/css; charset=utf-8", ACCOUNT_PAGES_STYLE),
} satisfies Record<string, Asset>;

type AssetName = keyof typeof ASSETS;

/** The names GET /api/auth/pages/{file} knows. */
export const ACCOUNT_PAGE_FILES = Object.keys(ASSETS) as AssetName[];

/** The pages, by the route (event.resource) that serves each, without the stage. */
export const ACCOUNT_PAGE_PATHS = { resetPassword: "/api/auth/reset-password", verifyEmail: "/api/auth/verify-email" } as const;

/** PRODUCT_NAME as the stage sets it, or DEFAULT_PRODUCT_NAME; as text, not yet escaped. */
export function productName(): string {
  return process.env.PRODUCT_NAME?.trim() || DEFAULT_PRODUCT_NAME;
}

function assetUrl(file: AssetName): string {
  return `pages/${file}?v=${ASSETS[file].version}`;
}

interface PageContent {
  title: string;
  intro: string;
  /** The route the form posts to, relative to the page. */
  endpoint: string;
  fields: string;
  button: string;
  done: string;
}

function resetPasswordContent(product: string): PageContent {
  return {
    title: "Set a new password",
    intro: `Choose a new password for ${product}: at least ${MIN_PASSWORD_LENGTH} characters.`,
    endpoint: "password/reset",
    fields: `<label for="new-password">New password</label>
<input id="new-password" name="newPassword" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
<label for="confirm-password">New password, again</label>
<input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
`,
    button: "Set the new password",
    done: "<h2>Your password is set</h2>\n<p>Sign in with your new password. Every earlier session has ended.</p>",
  };
}

function verifyEmailContent(product: string): PageContent {
  return {
    title: "Confirm your address",
    intro: `Confirm that this email address is yours, for ${product}.`,
    endpoint: "email/verify",
    fields: "",
    button: "Confirm my address",
    done: "<h2>Your address is confirmed</h2>\n<p>You can close this page.</p>",
  };
}

function html(content: PageContent): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${content.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetUrl("account-pages.css")}">
<script src="${assetUrl("account-pages.js")}" defer></script>
</head>
<body>
<main>
<h1>${content.title}</h1>
<p>${content.intro}</p>
<noscript><p>This page runs on JavaScript. Turn it on, then open the link again.</p></noscript>
<form id="account-form" data-endpoint="${content.endpoint}" hidden>
${content.fields}<button type="submit">${content.button}</button>
</form>
<div id="done" tabindex="-1" hidden>
${content.done}
</div>
<p id="status" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;
}

/**
 * The page the route `resource` serves, for a request to `path` (event.path). A trailing slash,
 * from where the page's relative URLs would miss by one folder, gets a redirect to the page,
 * relative as well; the browser keeps the fragment, and so the token, across it.
 */
export function accountPage(resource: string, path: string): APIGatewayProxyResult {
  const content =
    resource === ACCOUNT_PAGE_PATHS.resetPassword ? resetPasswordContent : resource === ACCOUNT_PAGE_PATHS.verifyEmail ? verifyEmailContent : undefined;
  if (!content) throw new NotFoundError(NO_SUCH_PAGE_FILE);
  const trailingSlashes = /\/*$/.exec(path)![0].length;
  if (trailingSlashes > 0) {
    const page = resource.split("/").pop()!;
    return { statusCode: 301, headers: { Location: `${"../".repeat(trailingSlashes)}${page}` }, body: "" };
  }
  // no-cache: the browser asks again every time, and so learns a new deploy's asset versions.
  const headers = { "Content-Type": HTML, "Content-Security-Policy": PAGE_CSP, "Permissions-Policy": PAGE_PERMISSIONS_POLICY, "Cache-Control": "no-cache" };
  return { statusCode: 200, headers, body: html(content(escapeHtml(productName()))) };
}

/**
 * One of the pages' files. Cached for a year only when asked for by the URL the page gives it
 * (?v= the current version); any other URL of it must be checked again every time.
 */
export function accountPageAsset(file: string, version: string | undefined): APIGatewayProxyResult {
  const found: Asset | undefined = Object.hasOwn(ASSETS, file) ? ASSETS[file as AssetName] : undefined;
  if (!found) throw new NotFoundError(NO_SUCH_PAGE_FILE);
  const cacheControl = version === found.version ? "public, max-age=31536000, immutable" : "no-cache";
  return { statusCode: 200, headers: { "Content-Type": found.contentType, "Cache-Control": cacheControl }, body: found.body };
}
