import { issueRefreshToken, newRotationSalt, newSessionId, parseRefreshToken, successorRefreshToken } from "../auth/refresh-tokens.ts";
import { getPrisma } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { toStoredUser, USER_COLUMNS, type StoredUser, type UserRow } from "../users/repository.ts";

// The refresh-token store: one row per session (token family) holding the hash of its current
// token. A token that is not the current one but names a live session was spent by an earlier
// refresh: reuse means theft, so the session ends for whoever holds it. Ending a session deletes
// its row; expired rows are deleted when seen and by pruneSessions.
// Except within the reuse interval: the row also keeps the hash of the token the last refresh
// spent and that refresh's salt, so a retry with the just-spent token (a lost answer, a second
// tab) is answered the same successor again (successorRefreshToken) instead of ending the session.

export interface OpenedSession {
  refreshToken: string;
  expiresAt: Date;
}

export interface LiveSession {
  id: string;
  userId: number;
  expiresAt: Date;
}

export type SessionLookup =
  | { status: "current"; session: LiveSession; user: StoredUser; presentedToken: string; presentedHash: string }
  | { status: "retried"; session: LiveSession; user: StoredUser; successor: string }
  | { status: "reused"; userId: number }
  | { status: "unknown" | "expired" };

export type Rotation = { status: "rotated"; refreshToken: string } | { status: "reused"; userId: number } | { status: "ended" };

/**
 * Opens a session for the user whose password was checked against `passwordHash`, in one
 * INSERT … SELECT that stores nothing unless that hash is still the user's: a signin whose bcrypt
 * check overlapped a password change (or the user's deletion) opens no session.
 */
export async function openSession(
  userId: number,
  passwordHash: string,
  lifetimeSeconds: number,
  now = new Date(),
): Promise<OpenedSession | undefined> {
  const id = newSessionId();
  const { token, hash } = issueRefreshToken(id);
  const expiresAt = new Date(now.getTime() + lifetimeSeconds * 1000);
  const prisma = await getPrisma();
  const inserted = await prisma.$executeRaw`
    INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at)
    SELECT ${id}, id, ${hash}, ${now}, ${expiresAt} FROM users WHERE id = ${userId} AND password_hash = ${passwordHash}`;
  return inserted === 1 ? { refreshToken: token, expiresAt } : undefined;
}

async function deleteSession(id: string): Promise<void> {
  const prisma = await getPrisma();
  await prisma.session.deleteMany({ where: { id } });
}

interface SessionRow extends UserRow {
  sessionId: string;
  tokenHash: string;
  expiresAt: Date;
}

interface LastRotation {
  previousTokenHash: string | null;
  rotationSalt: string | null;
  refreshedAt: Date | null;
}

/**
 * The successor the last rotation gave the presented token, when that rotation spent it less
 * than `reuseIntervalSeconds` ago; otherwise undefined (a spent token: reuse).
 */
function successorWithin(
  row: LastRotation,
  sessionId: string,
  presented: { token: string; hash: string },
  reuseIntervalSeconds: number,
  now: Date,
): string | undefined {
  if (reuseIntervalSeconds <= 0 || row.previousTokenHash !== presented.hash || !row.rotationSalt || !row.refreshedAt) return undefined;
  if (now.getTime() >= row.refreshedAt.getTime() + reuseIntervalSeconds * 1000) return undefined;
  return successorRefreshToken(sessionId, row.rotationSalt, presented.token).token;
}

/**
 * What a presented refresh token is: the current token of a live session, the token the last
 * refresh spent retried within `reuseIntervalSeconds` (with the successor it got), a spent token
 * (whose session is then ended), or nothing usable. The session's user and their roles as stored
 * now, which the next access token carries, come with it in the same statement.
 */
export async function lookUpRefreshToken(token: string, now = new Date(), reuseIntervalSeconds = 0): Promise<SessionLookup> {
  const presented = parseRefreshToken(token);
  if (!presented) return { status: "unknown" };
  const prisma = await getPrisma();
  // A session never outlives its user (ON DELETE CASCADE), so the join finds one for every session.
  const [row] = await prisma.$queryRaw<(SessionRow & LastRotation)[]>`
    SELECT s.id AS sessionId, s.token_hash AS tokenHash, s.expires_at AS expiresAt,
      s.previous_token_hash AS previousTokenHash, s.rotation_salt AS rotationSalt, s.refreshed_at AS refreshedAt, ${USER_COLUMNS}
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ${presented.sessionId}`;
  if (!row) return { status: "unknown" };
  if (row.expiresAt <= now) {
    await deleteSession(row.sessionId);
    return { status: "expired" };
  }
  const session = { id: row.sessionId, userId: row.id, expiresAt: row.expiresAt };
  if (row.tokenHash !== presented.hash) {
    const successor = successorWithin(row, row.sessionId, { token, hash: presented.hash }, reuseIntervalSeconds, now);
    if (successor) return { status: "retried", session, user: toStoredUser(row), successor };
    await deleteSession(row.sessionId);
    return { status: "reused", userId: row.id };
  }
  return { status: "current", session, user: toStoredUser(row), presentedToken: token, presentedHash: presented.hash };
}

/**
 * Spends the presented token and issues the session's next one, in one conditional UPDATE: of two
 * refreshes racing with the same token exactly one matches the stored hash. The other finds the
 * token spent: within `reuseIntervalSeconds` it gets the winner's successor, otherwise that is
 * reuse and the session ends, for the winner too. If the session was ended meanwhile (signout,
 * password change), that is no reuse.
 */
export async function rotateRefreshToken(
  found: Extract<SessionLookup, { status: "current" }>,
  now = new Date(),
  reuseIntervalSeconds = 0,
): Promise<Rotation> {
  const salt = newRotationSalt();
  const next = successorRefreshToken(found.session.id, salt, found.presentedToken);
  const prisma = await getPrisma();
  const { count } = await prisma.session.updateMany({
    where: { id: found.session.id, tokenHash: found.presentedHash },
    data: { tokenHash: next.hash, previousTokenHash: found.presentedHash, rotationSalt: salt, refreshedAt: now },
  });
  if (count === 1) return { status: "rotated", refreshToken: next.token };
  if (reuseIntervalSeconds > 0) {
    const winner = await prisma.session.findUnique({
      where: { id: found.session.id },
      select: { previousTokenHash: true, rotationSalt: true, refreshedAt: true },
    });
    const presented = { token: found.presentedToken, hash: found.presentedHash };
    const successor = winner && successorWithin(winner, found.session.id, presented, reuseIntervalSeconds, now);
    if (successor) return { status: "rotated", refreshToken: successor };
  }
  const { count: ended } = await prisma.session.deleteMany({ where: { id: found.session.id } });
  return ended === 1 ? { status: "reused", userId: found.session.userId } : { status: "ended" };
}

/** Ends the session a token names, whether the token is its current one or a spent one. */
export async function endSessionOf(token: string): Promise<void> {
  const presented = parseRefreshToken(token);
  if (presented) await deleteSession(presented.sessionId);
}

/** Ends every session of the user; returns how many there were. */
export async function endAllSessions(userId: number): Promise<number> {
  const prisma = await getPrisma();
  return (await prisma.session.deleteMany({ where: { userId } })).count;
}

/**
 * Ends every session of the user in one transaction that `authorize` opens (an admin's right
 * checked under a lock, held until the sessions are gone); false when no user has the id.
 */
export async function endAllSessionsAuthorized(userId: number, authorize: (tx: Prisma.TransactionClient) => Promise<void>): Promise<boolean> {
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    await authorize(tx);
    if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) return false;
    await tx.session.deleteMany({ where: { userId } });
    return true;
  });
}

/** Deletes the rows of expired sessions; returns how many. */
export async function pruneExpiredSessions(now = new Date()): Promise<number> {
  const prisma = await getPrisma();
  return (await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/**
 * Replaces the password hash that was checked (`currentHash`) and ends every session of the user,
 * in one transaction: no session opened with the old password survives (see openSession), and no
 * reset link mailed before works after it. False when `currentHash` is no longer stored: another
 * change won, or the user is gone. The user's row is locked first, as a reset locks it
 * (lib/accounts/reset-password.ts), so the two wait for each other instead of deadlocking.
 */
export async function replacePasswordEndingSessions(userId: number, currentHash: string, newHash: string): Promise<boolean> {
  const prisma = await getPrisma();
  const [updated] = await prisma.$transaction([
    prisma.user.updateMany({ where: { id: userId, passwordHash: currentHash }, data: { passwordHash: newHash } }),
    prisma.session.deleteMany({ where: { userId } }),
    prisma.accountToken.deleteMany({ where: { userId, purpose: "reset" } }),
  ]);
  return updated.count === 1;
}
