// The sessions' error messages, shared by the use cases that throw them and the route table that
// documents them (the OpenAPI description), without the route table importing database code.

// One text for every refusal: which of expired, unknown, reused or malformed it was would only
// help someone probing tokens.
export const INVALID_REFRESH_TOKEN = "Invalid or expired refresh token";

// The refresh-token tutorials' route (/api/auth/refreshtoken) refuses with 403, as their back end does.
export const REFRESH_TOKEN_REQUIRED = "Refresh Token is required!";
export const REFRESH_TOKEN_REFUSED = "Invalid or expired refresh token. Please make a new signin request";

// Signin says nothing of which of the two was wrong.
export const INVALID_CREDENTIALS = "Invalid username or password";
export const WRONG_CURRENT_PASSWORD = "Current password is incorrect";
/** Signin's 403 under EMAIL_VERIFICATION=required, for the right password of an unverified account. */
export const EMAIL_NOT_VERIFIED =
  'Verify your email address before signing in: open the link mailed to it, or ask for a new one with POST /api/auth/email/resend {"email": …}';

/** The 429 of a locked username (lockout.ts), saying how long the lock still lasts. */
export function tooManyFailedAttempts(seconds: number): string {
  return `Too many failed attempts. Try again in ${inWords(seconds)}.`;
}

function inWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

export const SIGNOUT_TARGET_MISSING = "Send the refreshToken to sign out of, or all: true with a Bearer token";
export const SIGNOUT_TARGETS_BOTH = "Send either refreshToken or all, not both";
export const ALL_WITH_REFRESH_TOKEN = "cannot be combined with refreshToken";
export const SIGNOUT_ALL_NEEDS_TOKEN = "Signing out of every session needs a Bearer access token";
