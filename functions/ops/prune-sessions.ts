import { allowLongStatements, disconnectPrisma } from "../../lib/db/client.ts";
import { logger } from "../../lib/logger.ts";
import { pruneForgottenLockouts } from "../../lib/sessions/lockout.ts";
import { pruneExpiredSessions } from "../../lib/sessions/store.ts";

// Runs on a schedule (serverless.yml), or `sls invoke -f pruneSessions`: deletes the rows of
// expired sessions, and the lockout rows whose failures are forgotten. Ended sessions leave no
// row behind and a refresh rewrites its session's row in place, so expired sessions are all that
// could pile up there; lockout rows are written for any username tried, known or not, so without
// this every name an attacker sprays would stay.

// A backlog of expired rows (a schedule that was off, a first run) is one long DELETE: it gets
// most of the function's 60 s timeout, not a route's 1.5 s bound on a silent connection.
allowLongStatements(50_000);

export async function handler(): Promise<{ deletedSessions: number; deletedLockouts: number }> {
  try {
    const now = new Date();
    const deletedSessions = await pruneExpiredSessions(now);
    const deletedLockouts = await pruneForgottenLockouts(now);
    logger.info("Pruned expired sessions and forgotten lockouts", { event: "sessions_pruned", deletedSessions, deletedLockouts });
    return { deletedSessions, deletedLockouts };
  } finally {
    // Once an hour at most: close the pool, or `sls invoke local` waits on it forever.
    await disconnectPrisma();
  }
}
