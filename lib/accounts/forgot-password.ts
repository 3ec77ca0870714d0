import { queueMails } from "../mail/outbox.ts";
import { wakeMailSender } from "../mail/wake-sender.ts";
import type { ForgotPasswordInput } from "./schemas.ts";

/**
 * Queues a reset mail for the address as asked. Whether an account has it is decided by the
 * sender (lib/accounts/send-mails.ts), not here: the request does the same work, one INSERT, for
 * any address, so neither its answer nor its time tells whether the address has an account.
 */
export async function requestPasswordReset(input: ForgotPasswordInput): Promise<void> {
  await queueMails([{ kind: "reset", address: input.email }]);
  await wakeMailSender();
}
