import type mysql from "mysql2/promise";

/**
 * Waits until `count` other connections to this database have been busy on one statement for a
 * second or more: with a lock held on `connection`, that is the racers waiting for it.
 */
export async function waitForLockWaits(connection: mysql.Connection, count: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
       WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep' AND TIME >= 1`,
    );
    if (Number(rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} connections came to wait for the lock`);
}

/**
 * `url` for the containers a test keeps waiting on its lock: waitForLockWaits sees a wait once
 * it has lasted a whole second (PROCESSLIST's TIME, in MySQL and MariaDB alike), close to the
 * driver's socket timeout of 1.5 s (lib/db/client.ts), which a loaded machine could push a
 * waiter past. The race, not that bound, is what such a test is about.
 */
export function urlForLockWaits(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("socketTimeout", "30000");
  return parsed.toString();
}
