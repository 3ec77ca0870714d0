import { getSettings } from "../config/settings.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { logger } from "../logger.ts";
import { INVALID_REFRESH_TOKEN, REFRESH_TOKEN_REFUSED, REFRESH_TOKEN_REQUIRED } from "./errors.ts";
import { lookUpRefreshToken, rotateRefreshToken } from "./store.ts";
import { accessTokenFor, secondsUntil, type TokenPair } from "./token-pair.ts";



function logReuse(userId: number): void {
  // Never the token nor the session id (half of it): the user id is what an operator follows up.
  logger.warn("Refresh token reused: the session is ended", { event: "refresh_token_reuse", userId });
}

/**
 * Trades the presented refresh token for a new pair. The access token carries the user's roles as
 * stored now, so a role change shows at the next refresh. The refresh token answered is the
 * session's next one (REFRESH_TOKEN_ROTATION=rotate, spending the one sent) or the one sent
 * (keep); within REFRESH_TOKEN_REUSE_INTERVAL a retry with the token just spent gets its successor.
 */
export async function refreshSession(refreshToken: string, now = new Date()): Promise<TokenPair> {
  const { refreshTokenRotation, refreshTokenReuseIntervalSeconds: reuseInterval } = getSettings();
  const found = await lookUpRefreshToken(refreshToken, now, reuseInterval);
  if (found.status === "reused") logReuse(found.userId);
  if (found.status !== "current" && found.status !== "retried") throw new UnauthorizedError(INVALID_REFRESH_TOKEN);

  // Signed before the token is spent, so a failure here leaves the session as it was. It lives no
  // longer than the session.
  const refreshExpiresIn = secondsUntil(found.session.expiresAt, now);
  const { accessToken, expiresIn } = await accessTokenFor(found.user, refreshExpiresIn);
  const pair = { accessToken, tokenType: "Bearer", expiresIn, refreshExpiresIn } as const;
  if (found.status === "retried") return { ...pair, refreshToken: found.successor };
  // Kept tokens are still ended by signout, a password change and an admin: they delete the row.
  if (refreshTokenRotation === "keep") return { ...pair, refreshToken };

  const rotation = await rotateRefreshToken(found, now, reuseInterval);
  if (rotation.status === "reused") logReuse(rotation.userId);
  if (rotation.status !== "rotated") throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  return { ...pair, refreshToken: rotation.refreshToken };
}

/**
 * refreshSession for the tutorials' `/api/auth/refreshtoken`: every refusal of the token is a 403.
 * Their clients (bezkoder's Vue 3 and Angular 12) answer any 401 by calling this route again, so a
 * 401 here loops.
 */
export async function refreshSessionOr403(refreshToken: unknown, now = new Date()): Promise<TokenPair> {
  if (typeof refreshToken !== "string" || refreshToken === "") throw new ForbiddenError(REFRESH_TOKEN_REQUIRED);
  try {
    return await refreshSession(refreshToken, now);
  } catch (error) {
    if (error instanceof UnauthorizedError) throw new ForbiddenError(REFRESH_TOKEN_REFUSED);
    throw error;
  }
}
