import type { FromSchema } from "json-schema-to-ts";
import { TUTORIAL_ROLE_NAMES } from "../auth/roles.ts";

// The user routes' success answers, each schema both the answer's type (FromSchema) and its part
// of the OpenAPI description (lib/routes/). Closed objects (additionalProperties: false): the
// end-to-end tests check every answer against them, so a field that should never leave (a
// password hash) fails the build.

export const tutorialRolesField = {
  type: "array",
  description: "The account's effective roles, the tutorials' way.",
  items: { type: "string", enum: TUTORIAL_ROLE_NAMES },
} as const;

export const emailVerifiedField = {
  type: "boolean",
  description: "Whether the account proved its address by opening a mailed link (verification, password reset or email change).",
} as const;

export const userViewSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "username", "email", "emailVerified", "roles", "createdAt"],
  properties: {
    id: { type: "integer", minimum: 1 },
    username: { type: "string" },
    email: { type: "string" },
    emailVerified: emailVerifiedField,
    roles: tutorialRolesField,
    createdAt: { type: "string", format: "date-time" },
  },
} as const;
/** A user as answers show one: never the hash, roles the tutorials' way (ROLE_USER, …). */
export type UserView = FromSchema<typeof userViewSchema>;

export const userPageSchema = {
  type: "object",
  additionalProperties: false,
  required: ["items"],
  properties: {
    items: { type: "array", items: userViewSchema },
    nextCursor: {
      type: "string",
      description: "Present when more users follow: pass it back as `cursor` for the next page.",
    },
  },
} as const;
export type UserPage = FromSchema<typeof userPageSchema>;

export const rolesViewSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "username", "roles"],
  properties: { id: { type: "integer", minimum: 1 }, username: { type: "string" }, roles: tutorialRolesField },
} as const;
export type RolesView = FromSchema<typeof rolesViewSchema>;

export const signupResponseSchema = {
  type: "object",
  additionalProperties: false,
  required: ["message", "id"],
  properties: { message: { type: "string" }, id: { type: "integer", minimum: 1 } },
} as const;
export type SignupResponse = FromSchema<typeof signupResponseSchema>;
