import type { FromSchema } from "json-schema-to-ts";
import { existingUsernameField, newPasswordField, presentedPasswordField } from "../auth/fields.ts";

// The session routes' inputs, each schema both the validator's and the body's type.

export const signinSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username", "password"],
  properties: {
    // A name that could never have signed up (or that the case-insensitive, accent-insensitive
    // collation would fold onto another, like "ádam") finds no one.
    username: existingUsernameField,
    password: presentedPasswordField,
  },
} as const;
export type SigninInput = FromSchema<typeof signinSchema>;

// Any string is taken as a refresh token: a malformed one, of any length, gets the same 401 as an
// expired one (checking its form is one linear regular expression).
const refreshTokenField = { type: "string" } as const;

export const refreshSchema = {
  type: "object",
  additionalProperties: false,
  required: ["refreshToken"],
  properties: { refreshToken: refreshTokenField },
} as const;

// The refresh-token tutorials' route takes any value, so that a missing or malformed token is
// refused like every other: 403 with a message (lib/sessions/refresh.ts), never a 400.
export const refreshtokenSchema = {
  type: "object",
  additionalProperties: false,
  properties: { refreshToken: { description: "The refresh token from signin or the last refresh." } },
} as const;

/** Either `{refreshToken}` (that session) or `{all: true}` (every session of the Bearer token's user). */
export const signoutSchema = {
  type: "object",
  additionalProperties: false,
  properties: { refreshToken: refreshTokenField, all: { const: true } },
} as const;
export type SignoutInput = FromSchema<typeof signoutSchema>;

export const changePasswordSchema = {
  type: "object",
  additionalProperties: false,
  required: ["currentPassword", "newPassword"],
  properties: { currentPassword: presentedPasswordField, newPassword: newPasswordField },
} as const;
export type ChangePasswordInput = FromSchema<typeof changePasswordSchema>;
