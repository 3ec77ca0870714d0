import type mysql from "mysql2/promise";

/**
 * Waits until `count` other connections to this database have been busy on one statement for
 * 200 ms or more: with a lock held on `connection`, that is the racers waiting for it (every
 * statement of theirs takes about a millisecond otherwise). MariaDB's PROCESSLIST has TIME_MS;
 * MySQL's TIME, in whole seconds, would leave a waiter close to the driver's socket timeout.
 */
export async function waitForLockWaits(connection: mysql.Connection, count: number): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
       WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep' AND TIME_MS >= 200`,
    );
    if (Number(rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} connections came to wait for the lock`);
}

/**
 * `url` for the containers a test keeps waiting on its lock: the driver's socket timeout of
 * 1.5 s (lib/db/client.ts) ends a wait a loaded machine could stretch past it. The race, not that
 * bound, is what such a test is about.
 */
export function urlForLockWaits(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("socketTimeout", "30000");
  return parsed.toString();
}
