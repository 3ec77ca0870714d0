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
