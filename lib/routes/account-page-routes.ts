import { ACCOUNT_PAGE_FILES, ACCOUNT_PAGE_PATHS, NO_SUCH_PAGE_FILE } from "../account-pages/pages.ts";
import type { RouteDescription } from "./route-description.ts";

// The pages mailed links open when the stage names no front end (docs/account-recovery.md):
// public, no database. Opening one spends nothing; its form posts to the account routes.

const TOKEN_IN_FRAGMENT =
  "The link carries its token in the fragment (`#token=…`), which the browser never sends: opening the page spends nothing (mail scanners open every link).";

export const resetPasswordPageRoute = {
  method: "get",
  path: ACCOUNT_PAGE_PATHS.resetPassword,
  function: "accountPages",
  operationId: "getResetPasswordPage",
  tag: "pages",
  summary: "The page of a password reset link",
  description: `${TOKEN_IN_FRAGMENT} Its form takes the new password twice and posts \`{token, newPassword}\` to \`POST /api/auth/password/reset\`.`,
  success: { status: 200, description: "The page.", content: { "text/html": { type: "string" } } },
  moved: "`/api/auth/reset-password/` (a trailing slash, from where the page's relative links would miss): to `../reset-password`.",
} as const satisfies RouteDescription;

export const verifyEmailPageRoute = {
  method: "get",
  path: ACCOUNT_PAGE_PATHS.verifyEmail,
  function: "accountPages",
  operationId: "getVerifyEmailPage",
  tag: "pages",
  summary: "The page of an address verification link",
  description: `${TOKEN_IN_FRAGMENT} Its button posts \`{token}\` to \`POST /api/auth/email/verify\`.`,
  success: { status: 200, description: "The page.", content: { "text/html": { type: "string" } } },
  moved: "`/api/auth/verify-email/` (a trailing slash, from where the page's relative links would miss): to `../verify-email`.",
} as const satisfies RouteDescription;

export const accountPageAssetRoute = {
  method: "get",
  path: "/api/auth/pages/{file}",
  function: "accountPages",
  operationId: "getAccountPageAsset",
  tag: "pages",
  summary: "The script or style sheet of the account pages",
  description: "The pages' one script and one style sheet: their policy runs nothing inline.",
  pathParameters: { file: { description: "The file's name.", schema: { type: "string", enum: ACCOUNT_PAGE_FILES } } },
  query: {
    v: {
      description: "The file's version, as the pages link it: with the current one, the answer may be cached for a year.",
      schema: { type: "string" },
    },
  },
  success: {
    status: 200,
    description: "The file.",
    content: { "text/javascript": { type: "string" }, "text/css": { type: "string" } },
  },
  errors: { 404: [{ summary: "No such file", message: NO_SUCH_PAGE_FILE }] },
} as const satisfies RouteDescription;
