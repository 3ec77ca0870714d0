import type { Caller } from "../auth/caller.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { invalidFields, UnauthorizedError } from "../errors.ts";
import { queueMails } from "../mail/outbox.ts";
import { wakeMailSender } from "../mail/wake-sender.ts";
import { WRONG_CURRENT_PASSWORD } from "../sessions/errors.ts";
import { beginPasswordAttempt } from "../sessions/lockout.ts";
import { findPasswordOf } from "../users/repository.ts";
import { SAME_EMAIL } from "./errors.ts";
import type { ChangeEmailInput } from "./schemas.ts";

/**
 * Asks to move the caller's account to a new address. The current password must be right, and
 * counts towards signin's lockout like a password change's. Nothing changes yet: the new address
 * gets a link that confirms it (POST /api/auth/email/verify), the old one a notice. Whether the
 * new address is taken is not said here (the answer would tell who has an account): the sender
 * mails no link to a taken address, and the confirmation refuses one taken since.
 */
export async function requestEmailChange(caller: Caller, input: ChangeEmailInput, now = new Date()): Promise<void> {
  const user = await findPasswordOf(caller.userId);
  // A deleted account's access token still verifies until it expires; there is no password to guess.
  if (!user) throw new UnauthorizedError(WRONG_CURRENT_PASSWORD);
  const attempt = await beginPasswordAttempt(user.username, now);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash, "currentPassword"))) throw new UnauthorizedError(WRONG_CURRENT_PASSWORD);
  await attempt.succeeded();
  // Addresses are ASCII (the schema's format), so lower-casing matches the column's collation.
  if (input.newEmail.toLowerCase() === user.email.toLowerCase()) throw invalidFields([{ field: "newEmail", message: SAME_EMAIL }]);
  await queueMails([
    { kind: "change", userId: user.id, address: input.newEmail },
    { kind: "change-notice", userId: user.id, address: user.email, newAddress: input.newEmail },
  ]);
  await wakeMailSender();
}
