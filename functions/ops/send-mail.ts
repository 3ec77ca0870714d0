import type { Context } from "aws-lambda";
import { sendQueuedMails, type SendReport } from "../../lib/accounts/send-mails.ts";
import { logger } from "../../lib/logger.ts";

// Sends the queued mails (lib/accounts/send-mails.ts). Woken by the requests that queue one
// (an asynchronous invocation, lib/mail/wake-sender.ts) and run every minute by its schedule,
// which retries what failed and sends what a failed wake-up left. Also `sls invoke -f sendMail`.

/** Time left for the last mail and the bookkeeping after the loop stops claiming rows. */
const MARGIN_MS = 10_000;

export async function handler(_event: unknown, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<SendReport> {
  const remaining = context?.getRemainingTimeInMillis?.() ?? 60_000;
  const report = await sendQueuedMails(Date.now() + Math.max(1_000, remaining - MARGIN_MS));
  if (report.sent + report.skipped + report.retried + report.failed > 0) logger.info("Sent queued mails", { event: "mails_sent", ...report });
  return report;
}
