import { mkdtempSync, mkdirSync, writeFileSync, cpSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, migrationChecksum, readMigrations } from "../../lib/db/migrations.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { queryAt } from "../support/db-query.ts";

// The migration runner against a real database of its own: Prisma's bookkeeping, idempotence,
// and a failed migration that stops later runs as `prisma migrate deploy` would.

const PROJECT_MIGRATIONS = resolve("prisma/migrations");
const databases: TestDatabase[] = [];

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase("auth_api_migrate");
  databases.push(database);
  return database;
}

/** The copies of the migrations folder this file made, removed after each test. */
const copies: string[] = [];

function migrationsCopy(extra?: { name: string; sql: string }): string {
  const dir = mkdtempSync(join(tmpdir(), "migrations-"));
  copies.push(dir);
  cpSync(PROJECT_MIGRATIONS, dir, { recursive: true });
  if (extra) {
    mkdirSync(join(dir, extra.name));
    writeFileSync(join(dir, extra.name, "migration.sql"), extra.sql);
  }
  return dir;
}

afterEach(async () => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(databases.splice(0).map((database) => database.drop()));
});

describe("migration runner", () => {
  it("applies the project's migrations with Prisma's bookkeeping, and seeds the roles", async () => {
    const { url } = await freshDatabase();
    const result = await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    const onDisk = readMigrations(PROJECT_MIGRATIONS);
    expect(result.applied).toEqual(onDisk.map(({ name }) => name));

    const history = await queryAt<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      "SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(history).toEqual(
      onDisk.map(({ name, sql }) => ({
        migration_name: name,
        checksum: migrationChecksum(sql),
        finished_at: expect.any(Date),
        applied_steps_count: 1,
      })),
    );
    expect(history[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);

    const roles = await queryAt<{ id: number; name: string }>(url, "SELECT id, name FROM roles ORDER BY id");
    expect(roles).toEqual([
      { id: 1, name: "user" },
      { id: 2, name: "moderator" },
      { id: 3, name: "admin" },
    ]);
  });

  it("is idempotent: a second run applies nothing", async () => {
    const { url } = await freshDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    const again = await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(readMigrations(PROJECT_MIGRATIONS).length);
  });

  it("makes usernames unique ignoring case, in the database itself", async () => {
    const { url } = await freshDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    await queryAt(url, "INSERT INTO users (username, email, password_hash, updated_at) VALUES ('Adam', 'a@x.io', 'h', NOW(3))");
    await expect(
      queryAt(url, "INSERT INTO users (username, email, password_hash, updated_at) VALUES ('adam', 'b@x.io', 'h', NOW(3))"),
    ).rejects.toThrow(/Duplicate entry/);
  });

  it("records a failed migration and refuses to go on until it is resolved", async () => {
    const { url } = await freshDatabase();
    const dir = migrationsCopy({ name: "29990101000000_broken", sql: "CREATE TABLE broken (id INT);\nSELECT * FROM no_such_table;\n" });
    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/29990101000000_broken failed/);

    const [failed] = await queryAt<{ finished_at: Date | null; logs: string | null }>(
      url,
      "SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'",
    );
    expect(failed?.finished_at).toBeNull();
    expect(failed?.logs).toMatch(/no_such_table/);
    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/failed earlier/);
  });

  it("creates the database when asked and it is missing", async () => {
    const database = await freshDatabase();
    await database.drop();
    const result = await applyMigrations({ databaseUrl: database.url, migrationsDir: PROJECT_MIGRATIONS, createDatabase: true });
    expect(result.applied.length).toBeGreaterThan(0);
  });

  it("warns about a migration edited after it was applied", async () => {
    const { url } = await freshDatabase();
    const dir = migrationsCopy({ name: "29990101000000_extra", sql: "CREATE TABLE extra (id INT);\n" });
    await applyMigrations({ databaseUrl: url, migrationsDir: dir });
    writeFileSync(join(dir, "29990101000000_extra", "migration.sql"), "CREATE TABLE extra (id BIGINT);\n");
    const lines: string[] = [];
    await applyMigrations({ databaseUrl: url, migrationsDir: dir, log: (line) => lines.push(line) });
    expect(lines).toEqual(["warning: migration 29990101000000_extra was modified after it was applied"]);
  });
});
