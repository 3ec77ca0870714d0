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

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** The form of every cursor the list gives out: it is checked before it is decoded. */
export const CURSOR_PATTERN = "^[A-Za-z0-9_-]{1,32}$";

/** The query parameters of the list, as the API description states them (read by pageSize and decodeCursor). */
export const listQueryParameters = {
  limit: {
    description: `Users per page, from 1 to ${MAX_PAGE_SIZE}.`,
    schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  },
  cursor: {
    description: "Where the page starts: the `nextCursor` of the previous page. Without it, the first page.",
    schema: { type: "string", pattern: CURSOR_PATTERN },
  },
} as const;
