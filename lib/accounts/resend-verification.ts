import type { Caller } from "../auth/caller.ts";
import { ValidationError } from "../errors.ts";
import { queueMails } from "../mail/outbox.ts";
import { wakeMailSender } from "../mail/wake-sender.ts";
import { findUserById } from "../users/repository.ts";
import { RESEND_TARGET_MISSING, RESEND_TARGETS_BOTH } from "./errors.ts";
import type { ResendVerificationInput } from "./schemas.ts";

/**
 * Queues a new verification mail: for the caller's account (Bearer), or for the account with the
 * address sent, which cannot sign in yet under EMAIL_VERIFICATION=required. The sender mails only
 * an address that is still an account's and still unverified; the answer is the same either way.
 */
export async function resendVerification(caller: Caller | undefined, input: ResendVerificationInput): Promise<void> {
  if (caller && input.email !== undefined) throw new ValidationError(RESEND_TARGETS_BOTH);
  if (caller) {
    const user = await findUserById(caller.userId);
    if (!user || user.emailVerified) return;
    await queueMails([{ kind: "verify", userId: user.id, address: user.email }]);
  } else if (input.email !== undefined) {
    await queueMails([{ kind: "verify", address: input.email }]);
  } else {
    throw new ValidationError(RESEND_TARGET_MISSING, [{ field: "email", message: "is required without a Bearer token" }]);
  }
  await wakeMailSender();
}
