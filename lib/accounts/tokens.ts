import { accountTokenHash, newAccountToken, type AccountTokenPurpose } from "../auth/account-tokens.ts";
import { getPrisma } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";

// The rows of mailed tokens (prisma/schema.prisma, AccountToken). A token is spent by deleting its
// row inside the transaction that does what it allows: of two requests with one token, one
// deletes the row and the other finds none.

export interface LiveAccountToken {
  hash: string;
  userId: number;
  purpose: AccountTokenPurpose;
  address: string;
}

/**
 * Stores a new token for the user and purpose, bound to `address`, and deletes the older ones of
 * that purpose: only the newest link works. Returns the token itself, which only the mail holds.
 * The user's row is locked first, as every use case that spends or deletes tokens locks it
 * (reset-password.ts, verify-email.ts, the password change): deleting the older tokens first
 * would hold them while the insert's foreign-key check waits on the row, which a reset holds
 * while it waits to delete its token, a deadlock (test/db/account-tokens.test.ts).
 * READ COMMITTED: under REPEATABLE READ the delete locks the gap after the user's entries in the
 * (user_id, purpose) index, which other users' entries share (new users' ids are neighbours), and
 * two issues for two users, each inserting into the gap the other locked, deadlocked. The user's
 * row lock already keeps every writer of the user's tokens apart; the gap lock guarded nothing.
 */
export async function issueAccountToken(
  userId: number,
  purpose: AccountTokenPurpose,
  address: string,
  lifetimeSeconds: number,
  now = new Date(),
): Promise<string> {
  const { token, hash } = newAccountToken();
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
    await tx.accountToken.deleteMany({ where: { userId, purpose } });
    await tx.accountToken.create({
      data: { tokenHash: hash, userId, purpose, address, expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000), createdAt: now },
    });
  }, { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted });
  return token;
}

/** The live token a presented one is, when it is of one of `purposes`; undefined otherwise. */
export async function findLiveAccountToken(
  presented: string,
  purposes: readonly AccountTokenPurpose[],
  now = new Date(),
): Promise<LiveAccountToken | undefined> {
  const hash = accountTokenHash(presented);
  if (!hash) return undefined;
  const prisma = await getPrisma();
  const row = await prisma.accountToken.findUnique({ where: { tokenHash: hash } });
  if (!row || row.expiresAt <= now || !purposes.some((purpose) => purpose === row.purpose)) return undefined;
  return { hash, userId: row.userId, purpose: row.purpose as AccountTokenPurpose, address: row.address };
}

/** Deletes the token if it is still live: true for the one request that spent it. */
export async function spendAccountToken(tx: Prisma.TransactionClient, hash: string, now = new Date()): Promise<boolean> {
  return (await tx.accountToken.deleteMany({ where: { tokenHash: hash, expiresAt: { gt: now } } })).count === 1;
}

/** Deletes the user's tokens of the purposes named (all of them when none are). */
export async function deleteAccountTokens(tx: Prisma.TransactionClient, userId: number, purposes?: readonly AccountTokenPurpose[]): Promise<void> {
  await tx.accountToken.deleteMany({ where: { userId, ...(purposes ? { purpose: { in: [...purposes] } } : {}) } });
}

/** Deletes expired tokens' rows; returns how many. */
export async function pruneExpiredAccountTokens(now = new Date()): Promise<number> {
  const prisma = await getPrisma();
  return (await prisma.accountToken.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}
