import type { FromSchema } from "json-schema-to-ts";
import { presentedPasswordField, usernameField } from "../auth/fields.ts";

// The session routes' inputs, each schema both the validator's and the body's type.

export const signinSchema = {
  type: "object",
  additionalProperties: false,
  required: ["username", "password"],
  properties: {
    // The signup rules: a name that could never have signed up (or that the case-insensitive,
    // accent-insensitive collation would fold onto another, like "ádam") finds no one.
    username: usernameField,
    password: presentedPasswordField,
  },
} as const;
export type SigninInput = FromSchema<typeof signinSchema>;
