import { getSettings } from "../config/settings.ts";
import { signedJws } from "./jws.ts";
import { signingKey } from "./key-ring.ts";
import type { RoleName } from "./roles.ts";

// Signing access tokens (lib/auth/jws.ts) with the key ring's current key of ACCESS_TOKEN_ALG's
// kind; the header's `kid` names the key (lib/auth/key-ring.ts); token-verification.ts checks them.

export interface AccessTokenClaims {
  userId: number;
  username: string;
  roles: RoleName[];
  /** OpenID Connect's `email_verified` claim. */
  emailVerified: boolean;
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
  const { kid, signing } = await signingKey();
  const issuedAt = Math.floor(Date.now() / 1000);
  const accessToken = signedJws(
    { kid },
    {
      username: claims.username,
      roles: claims.roles,
      email_verified: claims.emailVerified,
      iat: issuedAt,
      exp: issuedAt + accessTokenTtlSeconds,
      aud: jwtAudience,
      iss: jwtIssuer,
      sub: String(claims.userId),
    },
    signing,
  );
  return { accessToken, expiresIn: accessTokenTtlSeconds };
}
