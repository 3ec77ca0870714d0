import { verifyPassword } from "../auth/passwords.ts";
import { toTutorialRoleName } from "../auth/roles.ts";
import { getSettings } from "../config/settings.ts";
import { getAccountSettings } from "../config/account-settings.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { findUserByUsername } from "../users/repository.ts";
import { beginPasswordAttempt } from "./lockout.ts";
import type { SigninInput } from "./schemas.ts";
import { openSession } from "./store.ts";
import type { SigninResponse } from "./responses.ts";
import { accessTokenFor, secondsUntil } from "./token-pair.ts";
import { EMAIL_NOT_VERIFIED, INVALID_CREDENTIALS } from "./errors.ts";

export type { SigninResponse } from "./responses.ts";


/**
 * Checks the credentials and opens a session. Unknown user and wrong password are one answer,
 * cost one bcrypt comparison each and count alike towards the username's lockout; a locked
 * username is refused (429) before the user is even looked up. Under EMAIL_VERIFICATION=required,
 * the right password of an account that never proved its address gets a 403.
 */
export async function signIn(input: SigninInput, now = new Date()): Promise<SigninResponse> {
  const attempt = await beginPasswordAttempt(input.username, now);
  const user = await findUserByUsername(input.username);
  const matches = await verifyPassword(input.password, user?.passwordHash);
  if (!user || !matches) throw new UnauthorizedError(INVALID_CREDENTIALS);
  await attempt.succeeded();
  // Only after the password: the 403 tells nothing to someone who does not know it.
  if (!user.emailVerified && getAccountSettings().emailVerification === "required") throw new ForbiddenError(EMAIL_NOT_VERIFIED);

  const { accessToken, expiresIn } = await accessTokenFor(user);
  // Undefined when the password changed while bcrypt ran: the old one no longer signs in.
  const session = await openSession(user.id, user.passwordHash, getSettings().refreshTokenTtlSeconds, now);
  if (!session) throw new UnauthorizedError(INVALID_CREDENTIALS);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    roles: user.roles.map(toTutorialRoleName),
    accessToken,
    refreshToken: session.refreshToken,
    tokenType: "Bearer",
    expiresIn,
    refreshExpiresIn: secondsUntil(session.expiresAt, now),
  };
}
