import { getAccountLinkBaseUrl, getAccountSettings } from "../config/account-settings.ts";
import { getMailSettings } from "../config/mail-settings.ts";
import { logger } from "../logger.ts";
import { claimDueMails, recordMailOutcome, reserveMailSlot, type DueMail, type MailOutcome } from "../mail/outbox.ts";
import { renderMail, type MailMessage } from "../mail/templates.ts";
import { deliverMail, MailDeliveryError } from "../mail/transport.ts";
import { findUserByEmail, findUserById, type StoredUser } from "../users/repository.ts";
import { issueAccountToken } from "./tokens.ts";

// The sendMail function's work: claims the outbox's due rows (lib/mail/outbox.ts) and mails each,
// at least once: a row is marked sent only after the provider took the mail, and a failure the
// provider may recover from is retried with backoff, for about three hours, before the row is
// given up as failed. Tokens are made here, at sending time, so a mail that is retried carries a
// new token (which voids the one before). Log lines name the row and its kind, never an address,
// a token or a link.

/** Rows claimed at once; each is leased for LEASE_SECONDS, after which a sender that died is retried. */
const BATCH = 10;
const LEASE_SECONDS = 5 * 60;
/** 1, 2, 4, … minutes between attempts, at most 60: 8 attempts span about three hours. */
const MAX_ATTEMPTS = 8;
const MAX_BACKOFF_MINUTES = 60;
const HOUR_MS = 60 * 60 * 1000;

export interface SendReport {
  sent: number;
  skipped: number;
  retried: number;
  failed: number;
}

function retryAt(attempts: number, now: Date): Date {
  const minutes = Math.min(MAX_BACKOFF_MINUTES, 2 ** (attempts - 1));
  return new Date(now.getTime() + minutes * 60 * 1000);
}

function link(page: "reset-password" | "verify-email", token: string): string {
  return `${getAccountLinkBaseUrl()}/${page}#token=${token}`;
}

interface Recipient {
  /** Where the mail goes: the account's address as stored, or the new address of a change. */
  to: string;
  user: StoredUser;
}

/** Whom the mail is for; undefined when there is nothing to send (no such account, already verified, …). Writes nothing. */
async function recipientOf(mail: DueMail): Promise<Recipient | undefined> {
  switch (mail.kind) {
    case "reset": {
      const user = await findUserByEmail(mail.address);
      return user && { to: user.email, user };
    }
    case "verify": {
      const user = mail.userId === null ? await findUserByEmail(mail.address) : await findUserById(mail.userId);
      if (!user || user.emailVerified || user.email.toLowerCase() !== mail.address.toLowerCase()) return undefined;
      return { to: user.email, user };
    }
    case "change": {
      const user = mail.userId === null ? undefined : await findUserById(mail.userId);
      // No link to an address another account has: opening it could only fail.
      const holder = await findUserByEmail(mail.address);
      if (!user || (holder && holder.id !== user.id)) return undefined;
      return { to: mail.address, user };
    }
    case "change-notice": {
      const user = mail.userId === null ? undefined : await findUserById(mail.userId);
      return user && mail.newAddress !== null ? { to: mail.address, user } : undefined;
    }
  }
}

/** The mail's content, with a new token where it carries a link (which voids the older ones of its purpose). */
async function compose(mail: DueMail, { to, user }: Recipient, now: Date): Promise<MailMessage> {
  const settings = getAccountSettings();
  const expiresInHours = Math.round(settings.verifyTokenTtlSeconds / 3600);
  switch (mail.kind) {
    case "reset": {
      const token = await issueAccountToken(user.id, "reset", to, settings.resetTokenTtlSeconds, now);
      const expiresInMinutes = Math.round(settings.resetTokenTtlSeconds / 60);
      return { kind: "reset", username: user.username, link: link("reset-password", token), expiresInMinutes };
    }
    case "verify": {
      const token = await issueAccountToken(user.id, "verify", to, settings.verifyTokenTtlSeconds, now);
      return { kind: "verify", username: user.username, link: link("verify-email", token), expiresInHours };
    }
    case "change": {
      const token = await issueAccountToken(user.id, "change", to, settings.verifyTokenTtlSeconds, now);
      return { kind: "change", username: user.username, link: link("verify-email", token), expiresInHours };
    }
    case "change-notice":
      return { kind: "change-notice", username: user.username, newAddress: mail.newAddress ?? "" };
  }
}

async function sendOne(mail: DueMail, now: Date): Promise<MailOutcome> {
  const recipient = await recipientOf(mail);
  if (!recipient) return { state: "skipped" };
  // Before the token: a request past the limit must not void the link of a mail already sent.
  const { mailsPerAddressPerHour } = getAccountSettings();
  if (!(await reserveMailSlot(mail, recipient.user.id, mailsPerAddressPerHour, new Date(now.getTime() - HOUR_MS), now))) {
    logger.info("Mail not sent: its address had the hourly limit of mails", { event: "mail_over_limit", mailId: String(mail.id), kind: mail.kind });
    return { state: "skipped" };
  }
  const message = await compose(mail, recipient, now);
  try {
    await deliverMail(recipient.to, renderMail(message, getMailSettings().productName));
    return { state: "sent" };
  } catch (error) {
    const retryable = !(error instanceof MailDeliveryError) || error.retryable;
    const cause = error instanceof MailDeliveryError ? error.message : error instanceof Error ? error.name : "unknown";
    const details = { event: "mail_failed", mailId: String(mail.id), kind: mail.kind, attempts: mail.attempts, cause };
    if (retryable && mail.attempts < MAX_ATTEMPTS) {
      logger.warn("Mail not sent; it will be retried", details);
      return { state: "pending", retryAt: retryAt(mail.attempts, now) };
    }
    logger.error("Mail not sent, given up", details);
    return { state: "failed" };
  }
}

/** Sends due mails until none is left or `deadline` (ms since the epoch) is near. */
export async function sendQueuedMails(deadline: number, clock: () => Date = () => new Date()): Promise<SendReport> {
  const report: SendReport = { sent: 0, skipped: 0, retried: 0, failed: 0 };
  while (Date.now() < deadline) {
    let due: DueMail[];
    try {
      due = await claimDueMails(BATCH, LEASE_SECONDS, clock());
    } catch (error) {
      // A deadlock with the requests queueing mails, or the database away: the next wake-up or
      // the schedule's run (within a minute) claims them. Not thrown: serverless-offline exits
      // on a failed asynchronous invocation, and Lambda would only run this again.
      logger.error("Could not claim queued mails; the next run sends them", { event: "mail_claim_failed", cause: error instanceof Error ? error.name : "unknown" });
      break;
    }
    if (due.length === 0) break;
    for (const mail of due) {
      // A row not reached before the deadline stays leased and is retried once its lease ends.
      if (Date.now() >= deadline) break;
      const now = clock();
      try {
        const outcome = await sendOne(mail, now);
        await recordMailOutcome(mail.id, outcome, now);
        if (outcome.state === "pending") report.retried += 1;
        else report[outcome.state] += 1;
      } catch (error) {
        // One row's fault (the database, a bug) must not keep the others from going out.
        logger.error("Mail not sent: the sender failed; it is retried when its lease ends", {
          event: "mail_error",
          mailId: String(mail.id),
          kind: mail.kind,
          cause: error instanceof Error ? error.name : "unknown",
        });
        report.retried += 1;
      }
    }
  }
  return report;
}
