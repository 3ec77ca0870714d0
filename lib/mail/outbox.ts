import { getPrisma } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";

// The mail outbox (prisma/schema.prisma, MailOutbox): requests store what is to be mailed, in
// their own transaction when they have one, and answer; the sendMail function claims due rows and
// records how each went (lib/accounts/send-mails.ts). Nothing here sends.

export const MAIL_KINDS = ["reset", "verify", "change", "change-notice"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface QueuedMail {
  kind: MailKind;
  /** Where the mail goes. */
  address: string;
  userId?: number;
  /** A change-notice's: the address asked for. */
  newAddress?: string;
}

type Database = Prisma.TransactionClient;

export async function queueMails(mails: QueuedMail[], tx?: Database): Promise<void> {
  const db = tx ?? (await getPrisma());
  await db.mailOutbox.createMany({
    data: mails.map(({ kind, address, userId, newAddress }) => ({ kind, address, userId: userId ?? null, newAddress: newAddress ?? null })),
  });
}

export interface DueMail {
  id: bigint;
  kind: MailKind;
  userId: number | null;
  address: string;
  newAddress: string | null;
  /** Attempts so far, this one included. */
  attempts: number;
}

/**
 * Claims up to `limit` due rows for `leaseSeconds`: they are not due again until then, so a
 * sender that dies mid-way leaves them to be retried, and concurrent senders (the wake-ups and
 * the schedule) skip each other's rows instead of waiting on them. A row left `sending` by a
 * sender that died is due again once its lease ends.
 */
export async function claimDueMails(limit: number, leaseSeconds: number, now = new Date()): Promise<DueMail[]> {
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<(Omit<DueMail, "kind"> & { kind: string })[]>`
      SELECT id, kind, user_id AS userId, address, new_address AS newAddress, attempts FROM mail_outbox
      WHERE state IN ('pending', 'sending') AND next_attempt_at <= ${now} ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await tx.$executeRaw`
      UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + leaseSeconds * 1000)}
      WHERE id IN (${Prisma.join(ids)})`;
    return rows.map((row) => ({ ...row, kind: row.kind as MailKind, attempts: Number(row.attempts) + 1 }));
    // READ COMMITTED: the scan takes no gap locks, which the requests' inserts of new rows would
    // otherwise wait on, and deadlock with, under a burst of signups.
  }, { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted });
}

/**
 * Takes one of the address's mails for the hour: marks the row `sending` (it counts from now on)
 * unless `limit` mails were sent or are being sent to the address since `since`, and then marks
 * it `skipped`. Under the lock of the user's row, which every mail concerns: two senders with
 * mails of one account count one after the other, not both below the limit.
 */
export async function reserveMailSlot(mail: { id: bigint; address: string }, userId: number, limit: number, since: Date, now: Date): Promise<boolean> {
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
    const taken = await tx.mailOutbox.count({ where: { address: mail.address, state: { in: ["sending", "sent"] }, sentAt: { gt: since } } });
    const free = taken < limit;
    // updateMany: the row is gone when its user was deleted meanwhile (ON DELETE CASCADE).
    const { count } = await tx.mailOutbox.updateMany({ where: { id: mail.id }, data: free ? { state: "sending", sentAt: now } : { state: "skipped", sentAt: null } });
    return free && count === 1;
  });
}

export type MailOutcome = { state: "sent" | "skipped" | "failed" } | { state: "pending"; retryAt: Date };

export async function recordMailOutcome(id: bigint, outcome: MailOutcome, now = new Date()): Promise<void> {
  const prisma = await getPrisma();
  // A row whose user was deleted meanwhile is gone with it: nothing left to record.
  await prisma.mailOutbox.updateMany({
    where: { id },
    data:
      outcome.state === "pending"
        ? { state: "pending", sentAt: null, nextAttemptAt: outcome.retryAt }
        : { state: outcome.state, sentAt: outcome.state === "sent" ? now : null },
  });
}

/** Deletes the rows created before `before` that are done with (sent, skipped or failed); returns how many. */
export async function pruneMailOutbox(before: Date): Promise<number> {
  const prisma = await getPrisma();
  return (await prisma.mailOutbox.deleteMany({ where: { createdAt: { lt: before }, state: { in: ["sent", "skipped", "failed"] } } })).count;
}
