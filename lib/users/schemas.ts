import type { FromSchema } from "json-schema-to-ts";
import { MIN_PASSWORD_LENGTH } from "../auth/passwords.ts";
import { ROLE_NAMES } from "../auth/roles.ts";

// One schema per input, used both for validation (Ajv) and for the body's type (FromSchema).
// Unknown fields are refused so that a typo such as `role` for `roles` is an error, not ignored.

const username = { type: "string", minLength: 3, maxLength: 32, pattern: "^[A-Za-z0-9_.-]+$" } as const;
const email = { type: "string", maxLength: 254, format: "email" } as const;
// The upper bound in bytes (bcrypt's 72) is checked in lib/auth/passwords.ts: JSON Schema counts characters.
const password = { type: "string", minLength: MIN_PASSWORD_LENGTH } as const;

/** createAdmin's input: email and password are needed only when the user does not exist yet. */
export const adminSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username"],
  properties: { username, email, password },
} as const;
export type AdminInput = FromSchema<typeof adminSchema>;

export const signupSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username", "email", "password"],
  properties: {
    username,
    email,
    password,
    roles: { type: "array", items: { type: "string", enum: ROLE_NAMES }, uniqueItems: true, maxItems: ROLE_NAMES.length },
  },
} as const;
export type SignupInput = FromSchema<typeof signupSchema>;

export const signinSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username", "password"],
  properties: {
    // The signup rules: a name that could never have signed up (or that the case-insensitive,
    // accent-insensitive collation would fold onto another, like "ádam") finds no one.
    username,
    password: { type: "string", minLength: 1, maxLength: 1024 },
  },
} as const;
export type SigninInput = FromSchema<typeof signinSchema>;
