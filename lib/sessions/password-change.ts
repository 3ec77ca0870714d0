import type { Caller } from "../auth/caller.ts";
import { assertStorablePassword, hashPassword, verifyPassword } from "../auth/passwords.ts";
import { invalidFields, UnauthorizedError } from "../errors.ts";
import { findUserById } from "../users/repository.ts";
import type { PasswordChangeInput } from "./schemas.ts";
import { replacePasswordEndingSessions } from "./store.ts";

// Here rather than in lib/users: a password change is a credential event. It checks the current
// password as signin does and ends every session, which is this folder's store.

const WRONG_PASSWORD = "Current password is incorrect";

/**
 * Replaces the caller's password. The current one must be right (a wrong one costs a bcrypt
 * comparison like signin's); the new one follows the signup rules. Every session ends, here and
 * on other devices; access tokens already issued run out on their own.
 */
export async function changePassword(caller: Caller, input: PasswordChangeInput): Promise<void> {
  assertStorablePassword(input.newPassword, "newPassword");
  const user = await findUserById(caller.userId);
  const matches = await verifyPassword(input.currentPassword, user?.passwordHash);
  if (!user || !matches) throw new UnauthorizedError(WRONG_PASSWORD);
  if (input.newPassword === input.currentPassword) {
    throw invalidFields([{ field: "newPassword", message: "must differ from the current password" }]);
  }
  // False when another change replaced the password we checked, while bcrypt ran.
  if (!(await replacePasswordEndingSessions(user.id, user.passwordHash, await hashPassword(input.newPassword)))) {
    throw new UnauthorizedError(WRONG_PASSWORD);
  }
}
