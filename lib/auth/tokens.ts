import jwt from "jsonwebtoken";
import { getSettings } from "../config.ts";
import { JWS_ALGORITHM } from "./jws.ts";
import { signingKey } from "./key-ring.ts";
import type { RoleName } from "./roles.ts";

// Signing HS256 access tokens with jsonwebtoken. The header's `kid` names the key
// (lib/auth/key-ring.ts); token-verification.ts checks them.

export interface AccessTokenClaims {
  userId: number;
  username: string;
  roles: RoleName[];
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** Signs the claims for ACCESS_TOKEN_TTL seconds, or `maxSeconds` when that is shorter. */
export async function signAccessToken(claims: AccessTokenClaims, maxSeconds = Infinity): Promise<IssuedToken> {
  const settings = getSettings();
  const { jwtIssuer, jwtAudience } = settings;
  const accessTokenTtlSeconds = Math.max(1, Math.min(settings.accessTokenTtlSeconds, maxSeconds));
  const { kid, key } = await signingKey();
  const accessToken = jwt.sign({ username: claims.username, roles: claims.roles }, key, {
    algorithm: JWS_ALGORITHM,
    keyid: kid,
    subject: String(claims.userId),
    issuer: jwtIssuer,
    audience: jwtAudience,
    expiresIn: accessTokenTtlSeconds,
  });
  return { accessToken, expiresIn: accessTokenTtlSeconds };
}
