import jwt from "jsonwebtoken";
import { getSettings } from "../config.ts";
import { UnauthorizedError } from "../errors.ts";
import { signingKey, verificationKey } from "./key-ring.ts";
import { isRoleName, type RoleName } from "./roles.ts";

// HS256 access tokens. The header's `kid` names the key (lib/auth/key-ring.ts). Verification pins
// the algorithm (no "none", no RS/HS confusion), checks issuer, audience and expiry, and then
// what jsonwebtoken leaves optional: exp and iat must be there, and sub must be written the one
// way signAccessToken writes it.

const ALGORITHM = "HS256";

/**
 * Our tokens are about 300 characters; 4096 leaves room for longer names and claims while a
 * 64 KB header is refused before jsonwebtoken decodes a byte of it.
 */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/**
 * How far in the future a token's iat may be. Signin and the authorizer run in different
 * containers whose clocks differ slightly, and iat is rounded down to the second, so a fresh
 * token can look up to a second older or younger; 5 s covers that with room, and no more.
 */
export const ISSUED_AT_SKEW_SECONDS = 5;

const INVALID_TOKEN = "Invalid or expired token";

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
    algorithm: ALGORITHM,
    keyid: kid,
    subject: String(claims.userId),
    issuer: jwtIssuer,
    audience: jwtAudience,
    expiresIn: accessTokenTtlSeconds,
  });
  return { accessToken, expiresIn: accessTokenTtlSeconds };
}

/**
 * The user id a `sub` names, only in the form signAccessToken writes: decimal digits, no sign,
 * no leading zero. Number() alone would also take " 1 ", "0x1", "1e0" or "1.0", so one user
 * would have many spellings, and a check comparing subs as strings could be walked around.
 */
function userIdOf(sub: unknown): number | undefined {
  if (typeof sub !== "string" || !/^[1-9][0-9]*$/.test(sub)) return undefined;
  const userId = Number(sub);
  return Number.isSafeInteger(userId) ? userId : undefined;
}

/** jsonwebtoken checks exp and nbf only when present, and iat not at all. */
function hasValidTimes(payload: jwt.JwtPayload, nowSeconds: number): boolean {
  const { exp, iat } = payload;
  return typeof exp === "number" && typeof iat === "number" && iat <= nowSeconds + ISSUED_AT_SKEW_SECONDS;
}

function claimsOf(payload: jwt.JwtPayload): AccessTokenClaims | undefined {
  const userId = userIdOf(payload.sub);
  const { username, roles } = payload as { username?: unknown; roles?: unknown };
  if (userId === undefined || typeof username !== "string") return undefined;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string" && isRoleName(role))) return undefined;
  return { userId, username, roles };
}

/**
 * The key id the token's header names: a string, undefined when there is none, null when the
 * header cannot be read or its kid is not a string (such a token is refused).
 */
function headerKeyId(token: string): string | undefined | null {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded) return null;
  const { kid } = decoded.header as { kid?: unknown };
  if (kid === undefined) return undefined;
  return typeof kid === "string" ? kid : null;
}

/** The token's claims, or UnauthorizedError for anything expired, forged, malformed or foreign. */
export async function verifyAccessToken(token: string): Promise<AccessTokenClaims> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) throw new UnauthorizedError(INVALID_TOKEN);
  const { jwtIssuer, jwtAudience } = getSettings();
  const kid = headerKeyId(token);
  const secret = kid === null ? undefined : await verificationKey(kid);
  if (secret === undefined) throw new UnauthorizedError(INVALID_TOKEN);
  // One clock reading for jsonwebtoken's exp and nbf checks and our iat check.
  const nowSeconds = Math.floor(Date.now() / 1000);
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secret, {
      algorithms: [ALGORITHM],
      issuer: jwtIssuer,
      audience: jwtAudience,
      clockTimestamp: nowSeconds,
    });
  } catch {
    throw new UnauthorizedError(INVALID_TOKEN);
  }
  const claims = typeof payload === "object" && hasValidTimes(payload, nowSeconds) ? claimsOf(payload) : undefined;
  if (!claims) throw new UnauthorizedError(INVALID_TOKEN);
  return claims;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined when the header is not
 * one. The expression is linear (the token's characters and whitespace do not overlap), so a
 * header of any length is read in one pass; verifyAccessToken then refuses an overlong token.
 */
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
  if (!token) throw new UnauthorizedError(INVALID_TOKEN);
  return verifyAccessToken(token);
}
