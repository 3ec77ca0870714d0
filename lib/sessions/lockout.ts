import { randomBytes } from "node:crypto";
import { getPrisma } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { TooManyRequestsError } from "../errors.ts";
import { tooManyFailedAttempts } from "./errors.ts";

// Brute-force lockout per username, on Cognito's curve: failed password checks (signin and
// password change alike) are counted per username in the database, so the count holds across
// Lambda containers. The 5th consecutive failure locks the username for 1 s, each further one
// doubles the lock, up to 15 minutes. An attempt is counted before its check (see
// beginPasswordAttempt), so parallel attempts cannot all slip past one check. While locked, every
// attempt is refused before bcrypt, even with the right password, and is not counted: counting
// them would let anyone keep a victim locked out for free. A right password forgets the failures
// it raced with; 15 minutes after the lock ends (after the last failure, below 5) with no new
// failure forget them all. Unknown usernames are counted the
// same way, so a 429 tells nothing about which accounts exist.

const FAILURES_BEFORE_LOCK = 5;
const MAX_LOCK_SECONDS = 15 * 60;
/** Doublings past which the lock is capped anyway: 2^10 s > 900 s. Keeps POW() from overflowing. */
const MAX_DOUBLINGS = Math.ceil(Math.log2(MAX_LOCK_SECONDS));
const FORGET_AFTER_SECONDS = 15 * 60;

/** Usernames are ASCII (the schemas say so), so lower-casing is the whole case fold. */
function lockoutKey(username: string): string {
  return username.toLowerCase();
}

/** The one answer to a locked attempt, the same for every username, known or not. */
function lockedOut(lockedUntil: Date, now: Date): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return new TooManyRequestsError(tooManyFailedAttempts(seconds), seconds);
}

/**
 * Below 5 failures `locked_until` holds the last failure's time, which is no lock: attempts run
 * with their own `now`, and one that began a moment before that failure would read it as one.
 */
function isLocked(row: { failures: number; lockedUntil: Date }, now: Date): boolean {
  return row.failures >= FAILURES_BEFORE_LOCK && row.lockedUntil > now;
}

export interface PasswordAttempt {
  /**
   * The right password: forgets the failures counted up to and including this attempt's own
   * reservation, and no later ones, and unlocks when fewer than 5 remain. A wrong password needs
   * no call: the attempt was counted as a failure before bcrypt ran.
   */
  succeeded(): Promise<void>;
}

/**
 * Starts a password check for `username`: throws TooManyRequestsError while it is locked out.
 * Call it before looking the user up and before bcrypt. It counts first: the attempt is counted
 * as a failure, with the lock that failure earns, before its password is checked, so however many
 * attempts arrive at once, at most 5 are checked before the first lock and 1 per lock after it.
 * A crash between here and the answer leaves a failure counted, the safe side. A locked attempt
 * costs one query (a plain read, no row lock) and no bcrypt, for a known and an unknown username alike.
 */
export async function beginPasswordAttempt(username: string, now: Date): Promise<PasswordAttempt> {
  const key = lockoutKey(username);
  const prisma = await getPrisma();
  const row = await prisma.passwordLockout.findUnique({ where: { username: key } });
  if (row && isLocked(row, now)) throw lockedOut(row.lockedUntil, now);
  const counted = await reserveCheck(key, now);
  return { succeeded: () => forgetFailures(key, counted, now) };
}

/**
 * Counts this attempt as a failure unless the username is locked, and returns the count it made;
 * throws TooManyRequestsError when it was locked. One upsert counts and locks atomically (the
 * row's lock serialises concurrent ones, whatever the container); the SELECT after it, in the same
 * transaction and so under the same row lock, reads what it did. MySQL has no RETURNING, and the
 * affected-row count cannot tell "refused" from "inserted" with the mariadb driver's foundRows on,
 * so the upsert writes a random tag, which only a counted attempt leaves. No SELECT … FOR UPDATE
 * before the upsert: on a missing row it takes gap locks, on which two first attempts deadlock.
 *
 * MySQL and MariaDB evaluate ON DUPLICATE KEY UPDATE assignments left to right: `attempt` sees
 * the old row (locked, as isLocked says, or not), `failures` and `locked_until` see the new
 * `attempt` (this attempt counted or not) and `locked_until` the new `failures`. Times come from
 * `now`, not the database's clock, stored in UTC like every DATETIME here.
 */
async function reserveCheck(key: string, now: Date): Promise<number> {
  const tag = randomBytes(9).toString("base64url");
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000);
  const prisma = await getPrisma();
  const [row] = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO password_lockouts (username, failures, locked_until, attempt) VALUES (${key}, 1, ${now}, ${tag})
      ON DUPLICATE KEY UPDATE
        attempt = IF(failures >= ${FAILURES_BEFORE_LOCK} AND locked_until > ${now}, attempt, ${tag}),
        failures = IF(attempt <> ${tag}, failures, IF(locked_until <= ${forgetBefore}, 1, failures + 1)),
        locked_until = IF(
          attempt <> ${tag},
          locked_until,
          IF(
            failures < ${FAILURES_BEFORE_LOCK},
            ${now},
            DATE_ADD(${now}, INTERVAL LEAST(${MAX_LOCK_SECONDS}, POW(2, LEAST(failures - ${FAILURES_BEFORE_LOCK}, ${MAX_DOUBLINGS}))) SECOND)))`;
    return tx.$queryRaw<{ failures: number; lockedUntil: Date; attempt: string }[]>`
      SELECT failures, locked_until AS lockedUntil, attempt FROM password_lockouts WHERE username = ${key}`;
  });
  if (!row) throw new Error("the lockout row vanished inside its own transaction");
  if (row.attempt !== tag) throw lockedOut(row.lockedUntil, now);
  return Number(row.failures);
}

/**
 * Takes back the `counted` failures a success raced with (its own included): a row with no more
 * is deleted, one that later attempts added to keeps their failures, unlocked below 5. UPDATE
 * assignments run left to right, so `locked_until` sees the new `failures`.
 */
async function forgetFailures(key: string, counted: number, now: Date): Promise<void> {
  const prisma = await getPrisma();
  const deleted = await prisma.$executeRaw`DELETE FROM password_lockouts WHERE username = ${key} AND failures <= ${counted}`;
  if (deleted > 0) return;
  await prisma.$executeRaw`
    UPDATE password_lockouts SET
      failures = GREATEST(0, failures - ${counted}),
      locked_until = IF(failures < ${FAILURES_BEFORE_LOCK}, LEAST(locked_until, ${now}), locked_until)
    WHERE username = ${key}`;
}

/** Forgets every failure of `username`: a password reset proves the account's owner. */
export async function clearLockout(tx: Prisma.TransactionClient, username: string): Promise<void> {
  await tx.passwordLockout.deleteMany({ where: { username: lockoutKey(username) } });
}

/** Deletes the rows whose failures are forgotten (unlocked for the whole window); returns how many. */
export async function pruneForgottenLockouts(now = new Date()): Promise<number> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000);
  const prisma = await getPrisma();
  return (await prisma.passwordLockout.deleteMany({ where: { lockedUntil: { lte: forgetBefore } } })).count;
}
