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
/**
 * The cursor before the first user (`u:0`, base64url; lib/users/cursors.ts decodes it), which is
 * what no cursor means: the description states it as the default, so that a client that sends the
 * default gets the first page, not a 400 (Postman's importer sends every query parameter, and
 * fakes a value matching the pattern for one without a default).
 */
export const START_CURSOR = "dTow";

const LIMIT_RULE = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
const CURSOR_RULE = "is not a cursor this API gave out";

/** The query parameters of the list, as the API description states them, with the errors of pageSize and decodeCursor. */
export const listQueryParameters = {
  limit: {
    description: `Users per page, from 1 to ${MAX_PAGE_SIZE}.`,
    schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
    error: { summary: `\`limit\` is not a whole number from 1 to ${MAX_PAGE_SIZE}`, message: `Limit ${LIMIT_RULE}`, errors: [{ field: "limit", message: LIMIT_RULE }] },
  },
  cursor: {
    description: "Where the page starts: the `nextCursor` of the previous page. Without it (the same as its default), the first page.",
    schema: { type: "string", pattern: CURSOR_PATTERN, default: START_CURSOR },
    error: { summary: "`cursor` is not one this API gave out", message: `Cursor ${CURSOR_RULE}`, errors: [{ field: "cursor", message: CURSOR_RULE }] },
  },
} as const;
