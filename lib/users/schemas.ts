import type { FromSchema } from "json-schema-to-ts";
import { emailField, existingUsernameField, newPasswordField, roleNamesField, usernameField } from "../auth/fields.ts";

// One schema per input, used both for validation (Ajv) and for the body's type (FromSchema).
// Unknown fields are refused so that a typo such as `role` for `roles` is an error, not ignored.

/**
 * createAdmin's input: create with email and password, or promote an existing account, whose name
 * may predate today's username rules (a new account's name is checked with newUsernameSchema).
 */
export const adminSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username"],
  properties: { username: existingUsernameField, email: emailField, password: newPasswordField, promote: { const: true } },
} as const;
export type AdminInput = FromSchema<typeof adminSchema>;

export const newUsernameSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username"],
  properties: { username: usernameField },
} as const;

export const signupSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username", "email", "password"],
  properties: { username: usernameField, email: emailField, password: newPasswordField, roles: roleNamesField },
} as const;
export type SignupInput = FromSchema<typeof signupSchema>;

/** PUT /api/admin/users/{id}/roles: the roles to grant, by their plain names. */
export const rolesUpdateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["roles"],
  properties: { roles: roleNamesField },
} as const;
