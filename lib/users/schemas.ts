import type { FromSchema } from "json-schema-to-ts";
import { emailField, newPasswordField, roleNamesField, usernameField } from "../auth/fields.ts";

// One schema per input, used both for validation (Ajv) and for the body's type (FromSchema).
// Unknown fields are refused so that a typo such as `role` for `roles` is an error, not ignored.

/** createAdmin's input: email and password are needed only when the user does not exist yet. */
export const adminSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username"],
  properties: { username: usernameField, email: emailField, password: newPasswordField },
} as const;
export type AdminInput = FromSchema<typeof adminSchema>;

export const signupSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username", "email", "password"],
  properties: { username: usernameField, email: emailField, password: newPasswordField, roles: roleNamesField },
} as const;
export type SignupInput = FromSchema<typeof signupSchema>;
