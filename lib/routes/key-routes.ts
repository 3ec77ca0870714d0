import { JWKS_PATH } from "../auth/openid-configuration.ts";
import type { RouteDescription } from "./route-description.ts";

// The public keys access tokens are checked with, and where to find them: for other services
// that verify our tokens themselves (jose's createRemoteJWKSet, an API Gateway HTTP API JWT
// authorizer, any OpenID Connect aware library). Public, no database.

const RSA_KEY_EXAMPLE = {
  kty: "RSA",
  kid: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
  alg: "RS256",
  use: "sig",
  n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  e: "AQAB",
} as const;

const JWK_SCHEMA = {
  type: "object",
  required: ["kty", "kid", "alg", "use"],
  properties: {
    kty: { type: "string", enum: ["RSA", "EC"], description: "RSA for RS256, EC for ES256." },
    kid: { type: "string", description: "The key's RFC 7638 thumbprint: the `kid` in the header of the tokens it signed." },
    alg: { type: "string", enum: ["RS256", "ES256"] },
    use: { type: "string", const: "sig" },
    n: { type: "string", description: "RSA modulus (base64url)." },
    e: { type: "string", description: "RSA exponent (base64url)." },
    crv: { type: "string", const: "P-256" },
    x: { type: "string", description: "EC x coordinate (base64url)." },
    y: { type: "string", description: "EC y coordinate (base64url)." },
  },
} as const;

export const jwksRoute = {
  method: "get",
  path: JWKS_PATH,
  function: "jwks",
  operationId: "getJwks",
  tag: "keys",
  summary: "The public keys that verify access tokens (JWKS)",
  description:
    "A JSON Web Key Set (RFC 7517): the current key pair's public key and the previous one's, so that tokens signed before a key rotation verify until they expire. Pick the key whose `kid` the token's header names, and accept only its `alg`. A new key is published before it signs anything; a verifier that meets an unknown `kid` should fetch the set again (jose's `createRemoteJWKSet` does). On a stage that signs with HS256 it holds the key pair kept for a later switch, if any, which checks none of that stage's tokens.",
  usesBackends: true,
  success: {
    status: 200,
    description: "The key set; `Cache-Control` says how long it may be kept.",
    content: {
      "application/json": {
        type: "object",
        required: ["keys"],
        properties: { keys: { type: "array", items: JWK_SCHEMA } },
      },
    },
    example: { keys: [RSA_KEY_EXAMPLE] },
  },
} as const satisfies RouteDescription;

export const openidConfigurationRoute = {
  method: "get",
  path: "/.well-known/openid-configuration",
  function: "openidConfiguration",
  operationId: "getOpenidConfiguration",
  tag: "keys",
  summary: "Where the keys are, and which issuer and algorithms to expect",
  description:
    "The part of OpenID Connect Discovery 1.0 a token verifier reads: `issuer` (equal to the tokens' `iss`: this stage's address unless the stage sets another), `jwks_uri` and the algorithms. An API Gateway HTTP API JWT authorizer or an OpenID Connect library configured with the issuer fetches it from `{issuer}/.well-known/openid-configuration`. This API is not an OpenID provider: it has no authorization endpoint and issues no ID tokens.",
  usesBackends: true,
  success: {
    status: 200,
    description: "The metadata.",
    content: {
      "application/json": {
        type: "object",
        required: ["issuer", "jwks_uri", "id_token_signing_alg_values_supported"],
        properties: {
          issuer: { type: "string" },
          jwks_uri: { type: "string", format: "uri" },
          id_token_signing_alg_values_supported: {
            type: "array",
            items: { type: "string", enum: ["RS256", "ES256"] },
            description: "What access tokens are signed with: the algorithms of the published keys; empty on a stage that signs with HS256, whose tokens no other service can check.",
          },
          subject_types_supported: { type: "array", items: { type: "string", const: "public" } },
          claims_supported: { type: "array", items: { type: "string" } },
        },
      },
    },
    example: {
      issuer: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
      jwks_uri: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/.well-known/jwks.json",
      id_token_signing_alg_values_supported: ["RS256"],
      subject_types_supported: ["public"],
      claims_supported: ["iss", "sub", "aud", "exp", "iat", "username", "roles", "email_verified"],
    },
  },
} as const satisfies RouteDescription;
