import { integerFrom, oneOf, onResetConfig } from "./environment.ts";

// The plain settings: read from the environment once per container. The secrets (JWT_SECRET,
// DATABASE_URL, JWT_PRIVATE_KEY) are read apart, by lib/config/jwt-keys.ts,
// lib/config/jwt-private-keys.ts and lib/db/database-secret.ts.

export interface Settings {
  accessTokenTtlSeconds: number;
  /** A session's absolute lifetime: refreshing rotates its token but never extends it. */
  refreshTokenTtlSeconds: number;
  /** Whether a refresh answers a new refresh token (spending the one sent) or the same one again. */
  refreshTokenRotation: RefreshTokenRotation;
  /** Seconds within which a retry with the token a refresh just spent gets the same successor. */
  refreshTokenReuseIntervalSeconds: number;
  bcryptCost: number;
  /**
   * What access tokens are signed with: an RSA or EC P-256 key pair (JWT_PRIVATE_KEY), whose
   * public keys other services can fetch, or the HMAC secret (JWT_SECRET).
   */
  accessTokenAlg: AccessTokenAlgorithm;
  jwtIssuer: string;
  jwtAudience: string;
  /** How long a container keeps what it read from Secrets Manager. */
  secretsMaxAgeSeconds: number;
}

const DAY_SECONDS = 24 * 60 * 60;

export const ACCESS_TOKEN_ALGORITHMS = ["RS256", "ES256", "HS256"] as const;
export type AccessTokenAlgorithm = (typeof ACCESS_TOKEN_ALGORITHMS)[number];

export const REFRESH_TOKEN_ROTATIONS = ["rotate", "keep"] as const;
export type RefreshTokenRotation = (typeof REFRESH_TOKEN_ROTATIONS)[number];

let settings: Settings | undefined;
onResetConfig(() => {
  settings = undefined;
});

export function getSettings(): Settings {
  settings ??= {
    accessTokenTtlSeconds: integerFrom("ACCESS_TOKEN_TTL", 15 * 60, 60, 24 * 60 * 60),
    refreshTokenTtlSeconds: integerFrom("REFRESH_TOKEN_TTL", 30 * DAY_SECONDS, 60 * 60, 365 * DAY_SECONDS),
    refreshTokenRotation: oneOf("REFRESH_TOKEN_ROTATION", REFRESH_TOKEN_ROTATIONS, "rotate"),
    // Long enough for a lost answer or a second tab; every second of it is also a thief's.
    refreshTokenReuseIntervalSeconds: integerFrom("REFRESH_TOKEN_REUSE_INTERVAL", 0, 0, 300),
    bcryptCost: integerFrom("BCRYPT_COST", 10, 4, 15),
    accessTokenAlg: oneOf("ACCESS_TOKEN_ALG", ACCESS_TOKEN_ALGORITHMS, "RS256"),
    jwtIssuer: process.env.JWT_ISSUER || "serverless-auth-api",
    jwtAudience: process.env.JWT_AUDIENCE || "serverless-auth-api",
    secretsMaxAgeSeconds: integerFrom("SECRETS_MAX_AGE", 300, 1, 3600),
  };
  return settings;
}
