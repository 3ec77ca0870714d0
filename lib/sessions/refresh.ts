import { UnauthorizedError } from "../errors.ts";
import { logger } from "../logger.ts";
import { lookUpRefreshToken, rotateRefreshToken } from "./store.ts";
import { accessTokenFor, secondsUntil, type TokenPair } from "./token-pair.ts";

// One answer for every refusal: which of expired, unknown, reused or malformed it was would only
// help someone probing tokens.
export const INVALID_REFRESH_TOKEN = "Invalid or expired refresh token";

function logReuse(userId: number): void {
  // Never the token nor the session id (half of it): the user id is what an operator follows up.
  logger.warn("Refresh token reused: the session is ended", { event: "refresh_token_reuse", userId });
}

/**
 * Spends the presented refresh token for a new pair. The access token carries the user's roles as
 * stored now, so a role change shows at the next refresh.
 */
export async function refreshSession(refreshToken: string, now = new Date()): Promise<TokenPair> {
  const found = await lookUpRefreshToken(refreshToken, now);
  if (found.status === "reused") logReuse(found.userId);
  if (found.status !== "current") throw new UnauthorizedError(INVALID_REFRESH_TOKEN);

  // Signed before the token is spent, so a failure here leaves the session as it was. It lives no
  // longer than the session.
  const refreshExpiresIn = secondsUntil(found.session.expiresAt, now);
  const { accessToken, expiresIn } = await accessTokenFor(found.user, refreshExpiresIn);
  const rotation = await rotateRefreshToken(found, now);
  if (rotation.status === "reused") logReuse(rotation.userId);
  if (rotation.status !== "rotated") throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  return { accessToken, refreshToken: rotation.refreshToken, tokenType: "Bearer", expiresIn, refreshExpiresIn };
}
