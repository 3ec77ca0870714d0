import type { PublicJwk } from "./key-ring.ts";

// The OpenID Connect Discovery 1.0 metadata a token verifier reads: the issuer to expect in
// `iss`, where the keys are, and their algorithms. Only what is true of this API: it is no
// OpenID provider (no authorization endpoint, no ID tokens), so the members that would claim
// one are left out; `id_token_signing_alg_values_supported`, required by the specification,
// names what access tokens are signed with, which is what verifiers read it for.

export const JWKS_PATH = "/.well-known/jwks.json";

/** The claims an access token carries (lib/auth/tokens.ts). */
const CLAIMS = ["iss", "sub", "aud", "exp", "iat", "username", "roles", "email_verified"];

export interface OpenidConfiguration {
  issuer: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: string[];
  subject_types_supported: string[];
  claims_supported: string[];
}

/** The metadata of a stage whose address is `stageUrl`, with `keys` published. */
export function openidConfiguration(issuer: string, stageUrl: string, keys: readonly PublicJwk[]): OpenidConfiguration {
  return {
    issuer,
    jwks_uri: `${stageUrl}${JWKS_PATH}`,
    id_token_signing_alg_values_supported: [...new Set(keys.map((key) => key.alg))],
    subject_types_supported: ["public"],
    claims_supported: CLAIMS,
  };
}
