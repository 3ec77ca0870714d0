import { acceptedSchema } from "../accounts/responses.ts";
import {
  CHANGE_MAIL_ON_ITS_WAY,
  INVALID_ACCOUNT_TOKEN,
  RESEND_TARGET_MISSING,
  RESEND_TARGETS_BOTH,
  RESET_MAIL_ON_ITS_WAY,
  SAME_EMAIL,
  VERIFY_MAIL_ON_ITS_WAY,
} from "../accounts/errors.ts";
import { changeEmailSchema, forgotPasswordSchema, resendVerificationSchema, resetPasswordSchema, verifyEmailSchema } from "../accounts/schemas.ts";
import { INVALID_TOKEN } from "../errors.ts";
import { tooManyFailedAttempts, WRONG_CURRENT_PASSWORD } from "../sessions/errors.ts";
import { alreadyInUse, IN_USE } from "../users/errors.ts";
import type { RouteDescription } from "./route-description.ts";

// The routes of account recovery and verified email, under /api/auth. Mails are queued and sent
// by the sendMail function; every route that queues one answers 202 at once, the same for any
// address (docs/account-recovery.md).

const EXAMPLE_TOKEN = "Jq3Zr8xWc0vN5tLpQ2mY7bK4sH9dF1gA6eU0iO3wRzT";
const invalidToken = {
  summary: "The token is unknown, spent, expired or superseded",
  message: INVALID_ACCOUNT_TOKEN,
  errors: [{ field: "token", message: "is invalid, expired or already used" }],
} as const;

export const forgotPasswordRoute = {
  method: "post",
  path: "/api/auth/password/forgot",
  function: "forgotPassword",
  operationId: "forgotPassword",
  tag: "auth",
  summary: "Mail a link to reset a forgotten password",
  description:
    "Mails the account with this address a link to set a new password (valid RESET_TOKEN_TTL seconds, one hour by default; only the newest link works). The answer is the same 202 whether or not an account has the address; at most MAILS_PER_ADDRESS_PER_HOUR mails go to one address per hour. Accepts JSON or an HTML form.",
  body: forgotPasswordSchema,
  forms: true,
  bodyExample: { email: "alice@example.com" },
  usesBackends: true,
  success: { status: 202, description: "Taken.", content: { "application/json": acceptedSchema }, example: { message: RESET_MAIL_ON_ITS_WAY } },
} as const satisfies RouteDescription;

export const resetPasswordRoute = {
  method: "post",
  path: "/api/auth/password/reset",
  function: "resetPassword",
  operationId: "resetPassword",
  tag: "auth",
  summary: "Set a new password with a mailed link's token",
  description:
    "Spends the token from a reset link and sets the new password (the signup rules apply). Every session of the account ends, its signin lockout is lifted, and its address counts as verified.",
  body: resetPasswordSchema,
  bodyExample: { token: EXAMPLE_TOKEN, newPassword: "another-long-passphrase" },
  usesBackends: true,
  success: { status: 204, description: "The password is set; sign in with it." },
  errors: { 400: [invalidToken] },
} as const satisfies RouteDescription;

export const verifyEmailRoute = {
  method: "post",
  path: "/api/auth/email/verify",
  function: "verifyEmail",
  operationId: "verifyEmail",
  tag: "auth",
  summary: "Verify an address with a mailed link's token",
  description:
    "Spends the token from a verification link (the account's address is then verified) or from an email-change link (the account moves to the new address, verified).",
  body: verifyEmailSchema,
  bodyExample: { token: EXAMPLE_TOKEN },
  usesBackends: true,
  success: { status: 204, description: "Verified." },
  errors: {
    400: [invalidToken],
    409: [
      {
        summary: "Another account took the new address since the change was asked for",
        message: alreadyInUse([{ field: "email", message: IN_USE }]),
        errors: [{ field: "email", message: IN_USE }],
      },
    ],
  },
} as const satisfies RouteDescription;

export const resendVerificationRoute = {
  method: "post",
  path: "/api/auth/email/resend",
  function: "resendVerification",
  operationId: "resendVerification",
  tag: "auth",
  summary: "Mail a new verification link",
  description:
    "With a Bearer token and `{}`: for the caller's account. Without one (an account that cannot sign in before it verifies): `{\"email\"}`. The answer is the same 202 whether or not a mail is sent (already verified, no such account, or the hourly limit reached).",
  body: resendVerificationSchema,
  caller: "optional-bearer",
  bodyExample: { email: "alice@example.com" },
  usesBackends: true,
  success: { status: 202, description: "Taken.", content: { "application/json": acceptedSchema }, example: { message: VERIFY_MAIL_ON_ITS_WAY } },
  errors: {
    400: [
      { summary: "Neither a Bearer token nor `email`", message: RESEND_TARGET_MISSING, errors: [{ field: "email", message: "is required without a Bearer token" }] },
      { summary: "Both a Bearer token and `email`", message: RESEND_TARGETS_BOTH },
    ],
    401: [{ summary: "A Bearer token was sent and is invalid or expired", message: INVALID_TOKEN }],
  },
} as const satisfies RouteDescription;

export const changeEmailRoute = {
  method: "post",
  path: "/api/auth/email",
  function: "changeEmail",
  operationId: "changeEmail",
  tag: "auth",
  summary: "Move your account to a new address",
  description:
    "Takes the new address and the current password. Nothing changes yet: the new address gets a link that confirms it (`POST /api/auth/email/verify`), the old one a notice. The answer does not say whether the new address is taken. Wrong current passwords count towards signin's lockout.",
  body: changeEmailSchema,
  caller: "authorizer",
  bodyExample: { newEmail: "alice@example.org", currentPassword: "correct-horse-battery" },
  usesBackends: true,
  success: { status: 202, description: "Taken.", content: { "application/json": acceptedSchema }, example: { message: CHANGE_MAIL_ON_ITS_WAY } },
  errors: {
    400: [{ summary: "The new address is the current one", message: `New email ${SAME_EMAIL}`, errors: [{ field: "newEmail", message: SAME_EMAIL }] }],
    401: [{ summary: "The current password is wrong", message: WRONG_CURRENT_PASSWORD }],
    429: [{ summary: "Too many failed attempts for this account", message: tooManyFailedAttempts(15 * 60) }],
  },
} as const satisfies RouteDescription;
