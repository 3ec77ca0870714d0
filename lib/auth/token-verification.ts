import { getSettings } from "../config/settings.ts";
import { INVALID_TOKEN, UnauthorizedError } from "../errors.ts";
import { parsedJws, verifiedPayload, type Jws } from "./jws.ts";
import { verificationKey } from "./key-ring.ts";
import { isRoleName } from "./roles.ts";
import type { AccessTokenClaims } from "./tokens.ts";

// Checking an access token (signed in tokens.ts), the one rule for the authorizer and for the
// routes that read an optional Bearer header. HS256, RS256 or ES256, typ JWT, with the key its
// header's `kid` names and in that key's algorithm (lib/auth/key-ring.ts); then issuer,
// audience, exp and iat, which must be there, nbf
// when it is, and a sub written the one way signAccessToken writes it. No jsonwebtoken here: the
// authorizer's bundle stays small (lib/auth/jws.ts says why).

/**
 * Our tokens are about 300 characters; 4096 leaves room for longer names and claims while a
 * 64 KB header is refused before a byte of it is decoded.
 */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/**
 * How far in the future a token's iat may be. Signin and the authorizer run in different
 * containers whose clocks differ slightly, and iat is rounded down to the second, so a fresh
 * token can look up to a second older or younger; 5 s covers that with room, and no more.
 */
export const ISSUED_AT_SKEW_SECONDS = 5;

/** The header's typ of every access token signAccessToken has issued. */
const ACCESS_TOKEN_TYPE = "JWT";

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

/**
 * A time as signAccessToken writes it: whole seconds, from 0 to 2^53 - 1. RFC 7519 allows
 * fractions, but none of our tokens has one; and JSON's 1e999 parses to Infinity, an exp that
 * would never come.
 */
function isNumericDate(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** exp and iat must be there; nbf need not, but must be a time when it is. */
function hasValidTimes(payload: Record<string, unknown>, nowSeconds: number): boolean {
  const { exp, iat, nbf } = payload;
  if (!isNumericDate(exp) || nowSeconds >= exp) return false;
  if (!isNumericDate(iat) || iat > nowSeconds + ISSUED_AT_SKEW_SECONDS) return false;
  return nbf === undefined || (isNumericDate(nbf) && nbf <= nowSeconds);
}

/**
 * The issuer every token had before JWT_ISSUER became the stage's address. HS256 tokens signed
 * with our secret may still carry it: the upgrade that changed the issuer signs no one out.
 */
export const FORMER_DEFAULT_ISSUER = "serverless-auth-api";

/** Ours: our issuer, and our audience, alone or among others (RFC 7519 allows a list). */
function isForUs(jws: Jws, payload: Record<string, unknown>): boolean {
  const { jwtIssuer, jwtAudience } = getSettings();
  const { iss, aud } = payload;
  const ourIssuer = iss === jwtIssuer || (jws.alg === "HS256" && iss === FORMER_DEFAULT_ISSUER);
  return ourIssuer && (Array.isArray(aud) ? aud.includes(jwtAudience) : aud === jwtAudience);
}

function claimsOf(payload: Record<string, unknown>): AccessTokenClaims | undefined {
  const userId = userIdOf(payload.sub);
  const { username, roles } = payload;
  if (userId === undefined || typeof username !== "string") return undefined;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string" && isRoleName(role))) return undefined;
  // Tokens signed before the claim existed lack it: read as not verified, still valid.
  return { userId, username, roles, emailVerified: payload.email_verified === true };
}

/** The claims of a valid token, or undefined for any other: every rejection is the same 401. */
async function claimsIn(token: string): Promise<AccessTokenClaims | undefined> {
  const jws = parsedJws(token);
  // typ "JWT", as our signer has always written it (RFC 8725 §3.11): a JWT of another kind made
  // with the same key, or a header without typ, is not one of our access tokens.
  if (jws?.header.typ !== ACCESS_TOKEN_TYPE) return undefined;
  const { kid } = jws.header;
  // A kid that is not a string names no key: refused, not checked with the current key.
  if (kid !== undefined && typeof kid !== "string") return undefined;
  const key = await verificationKey(kid);
  const payload = key && verifiedPayload(jws, key);
  if (!payload || !hasValidTimes(payload, Math.floor(Date.now() / 1000)) || !isForUs(jws, payload)) return undefined;
  return claimsOf(payload);
}

/** The token's claims, or UnauthorizedError for anything expired, forged, malformed or foreign. */
export async function verifyAccessToken(token: string): Promise<AccessTokenClaims> {
  const claims = token.length <= MAX_ACCESS_TOKEN_LENGTH ? await claimsIn(token) : undefined;
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
