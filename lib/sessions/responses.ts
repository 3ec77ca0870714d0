import type { FromSchema } from "json-schema-to-ts";
import { emailVerifiedField, tutorialRolesField } from "../users/responses.ts";

// The session routes' success answers: their types and their part of the OpenAPI description.

const tokenPairProperties = {
  accessToken: { type: "string", description: "A JWT (HS256): send it as `Authorization: Bearer <accessToken>`." },
  refreshToken: { type: "string", description: "Opaque: trade it at `POST /api/auth/refresh` for a new pair. Each one works once." },
  tokenType: { type: "string", const: "Bearer" },
  expiresIn: { type: "integer", minimum: 0, description: "Seconds the access token is valid." },
  refreshExpiresIn: { type: "integer", minimum: 0, description: "Seconds until the session ends for good; refreshing does not extend it." },
} as const;
const tokenPairRequired = ["accessToken", "refreshToken", "tokenType", "expiresIn", "refreshExpiresIn"] as const;

/** What refresh answers (and signin, with the user): a fresh access token and the session's next refresh token. */
export const tokenPairSchema = {
  type: "object",
  additionalProperties: false,
  required: tokenPairRequired,
  properties: tokenPairProperties,
} as const;
export type TokenPair = FromSchema<typeof tokenPairSchema>;

/** Signin's answer: the tutorials' user fields and the token pair. */
export const signinResponseSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "username", "email", "emailVerified", "roles", ...tokenPairRequired],
  properties: {
    id: { type: "integer", minimum: 1 },
    username: { type: "string" },
    email: { type: "string" },
    emailVerified: emailVerifiedField,
    roles: tutorialRolesField,
    ...tokenPairProperties,
  },
} as const;
export type SigninResponse = FromSchema<typeof signinResponseSchema>;
