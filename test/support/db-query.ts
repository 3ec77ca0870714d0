import mysql from "mysql2/promise";
import { inject } from "vitest";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";

/** Runs one query against the database at `url`, on a connection of its own. */
export async function queryAt<T = mysql.RowDataPacket>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const connection = await mysql.createConnection(parseDatabaseUrl(url));
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** Runs one query against this run's database, to see what a request did or did not change. */
export function query<T = mysql.RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
  return queryAt<T>(inject("databaseUrl"), sql, params);
}

/**
 * Users stored under this username or email (ignoring case, as the collation does): what one
 * signup could add. Counting these rather than the whole table keeps the check true while other
 * test files sign users up in parallel.
 */
export async function countUsersLike(identity: { username?: unknown; email?: unknown }): Promise<number> {
  // Only a string or a number could end up stored as a name, if the API ever coerced one.
  const asStored = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : "");
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE username = ? OR email = ?", [
    asStored(identity.username),
    asStored(identity.email),
  ]);
  return Number(row?.n);
}

/** Grants `role` to the user straight in the database: a fixture, as createAdmin would. */
export async function grantRoleInDatabase(userId: number, role: string): Promise<void> {
  await query("INSERT IGNORE INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE name = ?", [userId, role]);
}
