import { getPrisma } from "../db/client.ts";
import { TooManyRequestsError } from "../errors.ts";

// Brute-force lockout per username, on Cognito's curve: failed password checks (signin and
// password change alike) are counted per username in the database, so the count holds across
// Lambda containers. The 5th consecutive failure locks the username for 1 s, each further one
// doubles the lock, up to 15 minutes. While locked, every attempt is refused before bcrypt, even
// with the right password, and is not counted: counting them would let anyone keep a victim
// locked out for free. A right password forgets the failures; so do 15 minutes after the lock
// ends (after the last failure, below 5) with no new failure. Unknown usernames are counted the
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

function inWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** The one answer to a locked attempt, the same for every username, known or not. */
function lockedOut(lockedUntil: Date, now: Date): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return new TooManyRequestsError(`Too many failed attempts. Try again in ${inWords(seconds)}.`, seconds);
}

export interface PasswordAttempt {
  /** A wrong password (or an unknown username): counted, and locks from the 5th on. */
  failed(): Promise<void>;
  /** The right password: the username's failures are forgotten. */
  succeeded(): Promise<void>;
}

/**
 * Starts a password check for `username`: throws TooManyRequestsError while it is locked out.
 * Call it before looking the user up and before bcrypt, so that a locked attempt costs one
 * query, the same for a known and an unknown username, and no bcrypt.
 */
export async function beginPasswordAttempt(username: string, now: Date): Promise<PasswordAttempt> {
  const key = lockoutKey(username);
  const prisma = await getPrisma();
  const row = await prisma.passwordLockout.findUnique({ where: { username: key } });
  if (row && row.lockedUntil > now) throw lockedOut(row.lockedUntil, now);
  return {
    failed: () => recordFailure(key, now),
    // Only a row seen here is deleted: a success with no failures behind it costs no query.
    succeeded: async () => {
      if (row) await prisma.passwordLockout.deleteMany({ where: { username: key } });
    },
  };
}

/**
 * Counts one failure and sets the lock it earns, in one statement: concurrent failures from any
 * number of containers are each counted once (the row's lock serialises them). MySQL and MariaDB
 * evaluate ON DUPLICATE KEY UPDATE assignments left to right, so `locked_until` sees the new
 * `failures`, and `failures` the old `locked_until`. Times come from `now`, not the database's
 * clock, stored in UTC like every DATETIME here.
 */
async function recordFailure(key: string, now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000);
  const prisma = await getPrisma();
  await prisma.$executeRaw`
    INSERT INTO password_lockouts (username, failures, locked_until) VALUES (${key}, 1, ${now})
    ON DUPLICATE KEY UPDATE
      failures = IF(locked_until <= ${forgetBefore}, 1, failures + 1),
      locked_until = IF(
        failures < ${FAILURES_BEFORE_LOCK},
        ${now},
        DATE_ADD(${now}, INTERVAL LEAST(${MAX_LOCK_SECONDS}, POW(2, LEAST(failures - ${FAILURES_BEFORE_LOCK}, ${MAX_DOUBLINGS}))) SECOND))`;
}

/** Deletes the rows whose failures are forgotten (unlocked for the whole window); returns how many. */
export async function pruneForgottenLockouts(now = new Date()): Promise<number> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000);
  const prisma = await getPrisma();
  return (await prisma.passwordLockout.deleteMany({ where: { lockedUntil: { lte: forgetBefore } } })).count;
}
