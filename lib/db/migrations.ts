import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { parseDatabaseUrl, type DatabaseAddress } from "./database-url.ts";

// Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records each one in
// Prisma's own _prisma_migrations table, with Prisma's checksum (SHA-256 of the file) and under
// Prisma's advisory lock, so that `prisma migrate deploy` run elsewhere sees the same history.

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir: string;
  /** Create the database first if it is missing (local runs; a deployed user may lack the right). */
  createDatabase?: boolean;
  log?: (line: string) => void;
}

// Prisma's own definition for MySQL, so either tool can create the table first.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

const LOCK_NAME = "prisma_migrate";
const LOCK_TIMEOUT_SECONDS = 10;

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export function readMigrations(migrationsDir: string): Migration[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}

function quoteIdentifier(name: string): string {
  if (name.includes("`") || name.includes("\0")) throw new Error("database name may not contain ` or NUL");
  return `\`${name}\``;
}

const ER_BAD_DB_ERROR = 1049;

/**
 * Creates the database only when connecting to it says it does not exist: a user with rights on
 * that one database (the docker-compose user) may not run CREATE DATABASE at all.
 */
async function createDatabaseIfMissing(address: DatabaseAddress): Promise<void> {
  try {
    await (await mysql.createConnection(address)).end();
    return;
  } catch (error) {
    if ((error as { errno?: number }).errno !== ER_BAD_DB_ERROR) throw error;
  }
  const { database, ...server } = address;
  const connection = await mysql.createConnection(server);
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function applyOne(connection: mysql.Connection, migration: Migration): Promise<void> {
  const id = randomUUID();
  await connection.query(
    "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)",
    [id, migration.checksum, migration.name],
  );
  try {
    await connection.query(migration.sql);
  } catch (error) {
    // As Prisma does: the row stays unfinished with the error in `logs`, and later runs stop
    // until someone resolves it.
    await connection.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [String(error), id]);
    throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
  }
  await connection.query("UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?", [
    id,
  ]);
}

export async function applyMigrations(options: MigrateOptions): Promise<MigrationResult> {
  const log = options.log ?? (() => {});
  const address = parseDatabaseUrl(options.databaseUrl);
  if (options.createDatabase) await createDatabaseIfMissing(address);
  const migrations = readMigrations(options.migrationsDir);

  const connection = await mysql.createConnection({ ...address, multipleStatements: true });
  try {
    const [[lock]] = await connection.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS locked", [
      LOCK_NAME,
      LOCK_TIMEOUT_SECONDS,
    ]);
    if (lock?.locked !== 1) throw new Error(`another migration holds the '${LOCK_NAME}' lock`);

    await connection.query(CREATE_MIGRATIONS_TABLE);
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at",
    );
    const history = rows as HistoryRow[];

    const failed = history.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} failed earlier; fix the database, then mark it rolled back or applied (prisma migrate resolve)`,
      );
    }

    const finished = new Map(history.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]));
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const done = finished.get(migration.name);
      if (done) {
        if (done.checksum !== migration.checksum) log(`warning: migration ${migration.name} was modified after it was applied`);
        result.alreadyApplied.push(migration.name);
        continue;
      }
      log(`applying ${migration.name}`);
      await applyOne(connection, migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await connection.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]).catch(() => {});
    await connection.end();
  }
}
