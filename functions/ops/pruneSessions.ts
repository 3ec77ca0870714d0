import { disconnectPrisma } from "../../lib/db/client.ts";
import { pruneExpiredSessions } from "../../lib/sessions/store.ts";

// Runs on a schedule (serverless.yml), or `sls invoke -f pruneSessions`: deletes the rows of
// expired sessions. Ended sessions leave no row behind and a refresh rewrites its session's row
// in place, so expired sessions are all that could pile up.

export async function handler(): Promise<{ deleted: number }> {
  try {
    const deleted = await pruneExpiredSessions();
    console.log(JSON.stringify({ level: "info", event: "sessions_pruned", deleted }));
    return { deleted };
  } finally {
    // Once an hour at most: close the pool, or `sls invoke local` waits on it forever.
    await disconnectPrisma();
  }
}
