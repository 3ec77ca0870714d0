import type { Caller } from "../auth/caller.ts";
import { assertStorablePassword, hashPassword, normalizePassword, verifyPassword } from "../auth/passwords.ts";
import { invalidFields, UnauthorizedError } from "../errors.ts";
import { findPasswordOf } from "../users/repository.ts";
import { beginPasswordAttempt } from "./lockout.ts";
import type { ChangePasswordInput } from "./schemas.ts";
import { replacePasswordEndingSessions } from "./store.ts";
import { WRONG_CURRENT_PASSWORD } from "./errors.ts";

// Here rather than in lib/users: a password change is a credential event. It checks the current
// password as signin does and ends every session, which is this folder's store.


/**
 * Replaces the caller's password. The current one must be right (a wrong one costs a bcrypt
 * comparison like signin's, and counts towards the same lockout as signin, keyed by the account's
 * stored username); the new one follows the signup rules. Every session ends, here and on other
 * devices; access tokens already issued run out on their own.
 */
export async function changePassword(caller: Caller, input: ChangePasswordInput, now = new Date()): Promise<void> {
  assertStorablePassword(input.newPassword, "newPassword");
  const user = await findPasswordOf(caller.userId);
  // A deleted account's access token still verifies until it expires; there is no password to guess.
  if (!user) throw new UnauthorizedError(WRONG_CURRENT_PASSWORD);
  const attempt = await beginPasswordAttempt(user.username, now);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash, "currentPassword"))) throw new UnauthorizedError(WRONG_CURRENT_PASSWORD);
  await attempt.succeeded();
  // Compared as they are hashed: "é" composed and decomposed are one password.
  if (normalizePassword(input.newPassword) === normalizePassword(input.currentPassword)) {
    throw invalidFields([{ field: "newPassword", message: "must differ from the current password" }]);
  }
  // False when another change replaced the password we checked, while bcrypt ran.
  if (!(await replacePasswordEndingSessions(user.id, user.passwordHash, await hashPassword(input.newPassword)))) {
    throw new UnauthorizedError(WRONG_CURRENT_PASSWORD);
  }
}
