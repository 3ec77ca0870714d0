import type { FromSchema } from "json-schema-to-ts";
import { emailField, newPasswordField, presentedPasswordField } from "../auth/fields.ts";

// The inputs of account recovery and verified email, each schema both the validator's and the
// body's type.

// Any string is taken as a token: a malformed one gets the same 400 as an expired one. The bound
// keeps the answer cheap; every token this API mails is 43 characters.
const accountTokenField = { type: "string", description: "The token from the mailed link (after `#token=`).", maxLength: 512 } as const;

export const forgotPasswordSchema = {
  type: "object",
  additionalProperties: false,
  required: ["email"],
  properties: { email: emailField },
} as const;
export type ForgotPasswordInput = FromSchema<typeof forgotPasswordSchema>;

export const resetPasswordSchema = {
  type: "object",
  additionalProperties: false,
  required: ["token", "newPassword"],
  properties: { token: accountTokenField, newPassword: newPasswordField },
} as const;
export type ResetPasswordInput = FromSchema<typeof resetPasswordSchema>;

export const verifyEmailSchema = {
  type: "object",
  additionalProperties: false,
  required: ["token"],
  properties: { token: accountTokenField },
} as const;
export type VerifyEmailInput = FromSchema<typeof verifyEmailSchema>;

/** With a Bearer token, `{}`: the caller's address; without one (signin refused), `{email}`. */
export const resendVerificationSchema = {
  type: "object",
  additionalProperties: false,
  properties: { email: emailField },
} as const;
export type ResendVerificationInput = FromSchema<typeof resendVerificationSchema>;

export const changeEmailSchema = {
  type: "object",
  additionalProperties: false,
  required: ["newEmail", "currentPassword"],
  properties: { newEmail: emailField, currentPassword: presentedPasswordField },
} as const;
export type ChangeEmailInput = FromSchema<typeof changeEmailSchema>;
