import jwt from "jsonwebtoken";
import { getJwtSecret, getSettings } from "../config.ts";
import { UnauthorizedError } from "../errors.ts";
import { isRoleName, type RoleName } from "./roles.ts";

// HS256 access tokens. Verification pins the algorithm (no "none", no RS/HS confusion) and
// checks issuer, audience and expiry.

const ALGORITHM = "HS256";

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
  const accessToken = jwt.sign({ username: claims.username, roles: claims.roles }, await getJwtSecret(), {
    algorithm: ALGORITHM,
    subject: String(claims.userId),
    issuer: jwtIssuer,
    audience: jwtAudience,
    expiresIn: accessTokenTtlSeconds,
  });
  return { accessToken, expiresIn: accessTokenTtlSeconds };
}

function claimsOf(payload: jwt.JwtPayload): AccessTokenClaims | undefined {
  const userId = Number(payload.sub);
  const { username, roles } = payload as { username?: unknown; roles?: unknown };
  if (!Number.isSafeInteger(userId) || userId <= 0 || typeof username !== "string") return undefined;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string" && isRoleName(role))) return undefined;
  return { userId, username, roles };
}

/** The token's claims, or UnauthorizedError for anything expired, forged, malformed or foreign. */
export async function verifyAccessToken(token: string): Promise<AccessTokenClaims> {
  const { jwtIssuer, jwtAudience } = getSettings();
  const secret = await getJwtSecret();
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: jwtIssuer, audience: jwtAudience });
  } catch {
    throw new UnauthorizedError("Invalid or expired token");
  }
  const claims = typeof payload === "object" ? claimsOf(payload) : undefined;
  if (!claims) throw new UnauthorizedError("Invalid or expired token");
  return claims;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when the header is not one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-_.]+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * The claims of an `Authorization: Bearer <token>` header: the one rule the authorizer and the
 * signup route (which has no authorizer) both apply. UnauthorizedError for anything else.
 */
export async function verifyAuthorizationHeader(header: string | undefined): Promise<AccessTokenClaims> {
  const token = bearerToken(header);
  if (!token) throw new UnauthorizedError("Invalid or expired token");
  return verifyAccessToken(token);
}
