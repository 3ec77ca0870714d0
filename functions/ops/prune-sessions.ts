import { pruneExpiredAccountTokens } from "../../lib/accounts/tokens.ts";
import { allowLongStatements, disconnectPrisma } from "../../lib/db/client.ts";
import { pruneMailOutbox } from "../../lib/mail/outbox.ts";
import { logger } from "../../lib/logger.ts";
import { pruneForgottenLockouts } from "../../lib/sessions/lockout.ts";
import { pruneExpiredSessions } from "../../lib/sessions/store.ts";

// Runs on a schedule (serverless.yml), or `sls invoke -f pruneSessions`: deletes the rows of
// expired sessions, and the lockout rows whose failures are forgotten. Ended sessions leave no
// row behind and a refresh rewrites its session's row in place, so expired sessions are all that
// could pile up there; lockout rows are written for any username tried, known or not, so without
// this every name an attacker sprays would stay. Also expired mailed tokens, and the mail outbox's
// rows done with for a day (they hold addresses; the hourly mail limit reads only the last hour).

// A backlog of expired rows (a schedule that was off, a first run) is one long DELETE: it gets
// most of the function's 60 s timeout, not a route's 1.5 s bound on a silent connection.
allowLongStatements(50_000);

const DAY_MS = 24 * 60 * 60 * 1000;

interface Pruned {
  deletedSessions: number;
  deletedLockouts: number;
  deletedAccountTokens: number;
  deletedMails: number;
}

export async function handler(): Promise<Pruned> {
  try {
    const now = new Date();
    const pruned: Pruned = {
      deletedSessions: await pruneExpiredSessions(now),
      deletedLockouts: await pruneForgottenLockouts(now),
      deletedAccountTokens: await pruneExpiredAccountTokens(now),
      deletedMails: await pruneMailOutbox(new Date(now.getTime() - DAY_MS)),
    };
    logger.info("Pruned expired sessions, forgotten lockouts, expired tokens and old mails", { event: "sessions_pruned", ...pruned });
    return pruned;
  } finally {
    // Once an hour at most: close the pool, or `sls invoke local` waits on it forever.
    await disconnectPrisma();
  }
}
