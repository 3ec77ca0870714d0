import { signinResponseSchema, tokenPairSchema } from "../sessions/responses.ts";
import {
  ALL_WITH_REFRESH_TOKEN,
  EMAIL_NOT_VERIFIED,
  INVALID_CREDENTIALS,
  INVALID_REFRESH_TOKEN,
  REFRESH_TOKEN_REFUSED,
  REFRESH_TOKEN_REQUIRED,
  SIGNOUT_ALL_NEEDS_TOKEN,
  SIGNOUT_TARGET_MISSING,
  SIGNOUT_TARGETS_BOTH,
  tooManyFailedAttempts,
  WRONG_CURRENT_PASSWORD,
} from "../sessions/errors.ts";
import { changePasswordSchema, refreshSchema, refreshtokenSchema, signinSchema, signoutSchema } from "../sessions/schemas.ts";
import { signupResponseSchema, userViewSchema } from "../users/responses.ts";
import { signupSchema } from "../users/schemas.ts";
import type { RouteDescription } from "./route-description.ts";
import { ACCOUNT_GONE, alreadyInUse, IN_USE, ONLY_ADMINS_GRANT_ROLES } from "../users/errors.ts";
import { INVALID_TOKEN } from "../errors.ts";
import { IS_REQUIRED } from "../validation/field-errors.ts";

// The routes under /api/auth: accounts and sessions. Each entry is the spec its handler is built
// from and its part of the OpenAPI description (lib/openapi/openapi.ts).

// What the examples show: one made-up account and made-up tokens of the real forms.
const EXAMPLE_ACCESS_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUifQ.eyJzdWIiOiI0MiJ9.UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw";
const EXAMPLE_REFRESH_TOKEN = "3f2a9c0e5b7d41e8a6c4b2f09d1e7a53.8nQ2mVx7Lk0pR4sT9wY1zA3bC5dE6fG7hJ8kM9nP0qS";
const EXAMPLE_TOKEN_PAIR = {
  accessToken: EXAMPLE_ACCESS_TOKEN,
  refreshToken: EXAMPLE_REFRESH_TOKEN,
  tokenType: "Bearer",
  expiresIn: 900,
  refreshExpiresIn: 2592000,
} as const;

/** The 429 as the description shows it: the longest lock, 15 minutes. */
const LONGEST_LOCK = tooManyFailedAttempts(15 * 60);

const invalidRefreshToken = { summary: "The refresh token is unknown, used, expired or ended", message: INVALID_REFRESH_TOKEN } as const;

export const signupRoute = {
  method: "post",
  path: "/api/auth/signup",
  function: "signup",
  operationId: "signup",
  tag: "auth",
  summary: "Register an account",
  description:
    "Creates an account with the `user` role. Asking for `moderator` or `admin` in `roles` takes the Bearer token of a user who is an admin now. Accepts JSON or an HTML form.",
  body: signupSchema,
  forms: true,
  caller: "optional-bearer",
  bodyExample: { username: "alice", email: "alice@example.com", password: "correct-horse-battery" },
  usesBackends: true,
  success: {
    status: 201,
    description: "Registered.",
    content: { "application/json": signupResponseSchema },
    example: { message: "User registered successfully!", id: 42 },
  },
  errors: {
    401: [{ summary: "A Bearer token was sent and is invalid or expired", message: INVALID_TOKEN }],
    403: [{ summary: "Roles beyond `user` asked for without an admin's token", message: ONLY_ADMINS_GRANT_ROLES }],
    409: [
      {
        summary: "The username or the email is taken",
        message: alreadyInUse([{ field: "username", message: IN_USE }]),
        errors: [{ field: "username", message: IN_USE }],
      },
    ],
  },
} as const satisfies RouteDescription;

export const signinRoute = {
  method: "post",
  path: "/api/auth/signin",
  function: "signin",
  operationId: "signin",
  tag: "auth",
  summary: "Sign in",
  description:
    "Checks the username and password and opens a session: an access token for the `Authorization: Bearer` header and a refresh token for `/api/auth/refresh`. After repeated failures the username is locked for a while (429 with `Retry-After`). Accepts JSON or an HTML form.",
  body: signinSchema,
  forms: true,
  bodyExample: { username: "alice", password: "correct-horse-battery" },
  usesBackends: true,
  success: {
    status: 200,
    description: "Signed in: the account and the session's tokens.",
    content: { "application/json": signinResponseSchema },
    example: { id: 42, username: "alice", email: "alice@example.com", emailVerified: true, roles: ["ROLE_USER"], ...EXAMPLE_TOKEN_PAIR },
  },
  errors: {
    401: [{ summary: "Unknown username or wrong password", message: INVALID_CREDENTIALS }],
    403: [{ summary: "EMAIL_VERIFICATION=required, and the account has not verified its address", message: EMAIL_NOT_VERIFIED }],
    429: [{ summary: "Too many failed attempts for this username", message: LONGEST_LOCK }],
  },
} as const satisfies RouteDescription;

/** What both refresh routes answer. */
const newTokenPair = {
  status: 200,
  description: "The new token pair.",
  content: { "application/json": tokenPairSchema },
  example: EXAMPLE_TOKEN_PAIR,
} as const;

export const refreshRoute = {
  method: "post",
  path: "/api/auth/refresh",
  function: "refresh",
  operationId: "refresh",
  tag: "auth",
  summary: "Trade a refresh token for new tokens",
  description:
    "Answers a new access token and the session's next refresh token; the one sent no longer works. Sending a used refresh token again ends the session (a sign it was stolen).",
  body: refreshSchema,
  bodyExample: { refreshToken: EXAMPLE_REFRESH_TOKEN },
  usesBackends: true,
  success: newTokenPair,
  errors: { 401: [invalidRefreshToken] },
} as const satisfies RouteDescription;

export const refreshtokenRoute = {
  method: "post",
  path: "/api/auth/refreshtoken",
  function: "refreshtoken",
  operationId: "refreshtoken",
  tag: "auth",
  summary: "Refresh, as bezkoder's refresh-token tutorials expect",
  description:
    "`/api/auth/refresh` under the path and the statuses of bezkoder's refresh-token tutorials (Vue 3, Angular 12): every refusal of the token is a 403, never a 401, because those clients answer any 401 by calling this route again. The stage's REFRESH_TOKEN_ROTATION and REFRESH_TOKEN_REUSE_INTERVAL apply as on `/api/auth/refresh`.",
  body: refreshtokenSchema,
  bodyExample: { refreshToken: EXAMPLE_REFRESH_TOKEN },
  usesBackends: true,
  success: newTokenPair,
  errors: {
    403: [
      { summary: "No `refreshToken`, or not a string", message: REFRESH_TOKEN_REQUIRED },
      { summary: "The refresh token is unknown, used, expired or ended", message: REFRESH_TOKEN_REFUSED },
    ],
  },
} as const satisfies RouteDescription;

export const signoutRoute = {
  method: "post",
  path: "/api/auth/signout",
  function: "signout",
  operationId: "signout",
  tag: "auth",
  summary: "Sign out",
  description:
    "`{refreshToken}` ends that session and needs no access token. `{all: true}` ends every session of the account whose Bearer token is sent.",
  body: signoutSchema,
  optionalBearer: true,
  bodyExample: { refreshToken: EXAMPLE_REFRESH_TOKEN },
  usesBackends: true,
  success: { status: 204, description: "Signed out (also when the session had already ended)." },
  errors: {
    400: [
      {
        summary: "Neither `refreshToken` nor `all`",
        message: SIGNOUT_TARGET_MISSING,
        errors: [{ field: "refreshToken", message: IS_REQUIRED }],
      },
      {
        summary: "Both `refreshToken` and `all`",
        message: SIGNOUT_TARGETS_BOTH,
        errors: [{ field: "all", message: ALL_WITH_REFRESH_TOKEN }],
      },
    ],
    401: [
      { summary: "`all: true` without a Bearer token", message: SIGNOUT_ALL_NEEDS_TOKEN },
      { summary: "A Bearer token was sent and is invalid or expired", message: INVALID_TOKEN },
    ],
  },
} as const satisfies RouteDescription;

export const changePasswordRoute = {
  method: "post",
  path: "/api/auth/password",
  function: "changePassword",
  operationId: "changePassword",
  tag: "auth",
  summary: "Change your password",
  description:
    "Takes the current password and a new one. Every session of the account ends, this one too: sign in again with the new password. Wrong current passwords count towards signin's lockout.",
  body: changePasswordSchema,
  caller: "authorizer",
  bodyExample: { currentPassword: "correct-horse-battery", newPassword: "another-long-passphrase" },
  usesBackends: true,
  success: { status: 204, description: "Changed; every session of the account has ended." },
  errors: {
    401: [{ summary: "The current password is wrong", message: WRONG_CURRENT_PASSWORD }],
    429: [{ summary: "Too many failed attempts for this account", message: LONGEST_LOCK }],
  },
} as const satisfies RouteDescription;

export const meRoute = {
  method: "get",
  path: "/api/auth/me",
  function: "me",
  operationId: "getMe",
  tag: "auth",
  summary: "Your account",
  description: "The caller's account as stored now, roles included (a change shows here before the next refresh).",
  caller: "authorizer",
  usesBackends: true,
  success: {
    status: 200,
    description: "The account.",
    content: { "application/json": userViewSchema },
    example: {
      id: 42,
      username: "alice",
      email: "alice@example.com",
      emailVerified: true,
      roles: ["ROLE_USER"],
      createdAt: "2026-11-24T09:30:00.000Z",
    },
  },
  errors: { 401: [{ summary: "The account no longer exists", message: ACCOUNT_GONE }] },
} as const satisfies RouteDescription;
