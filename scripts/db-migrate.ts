// `npm run db:migrate [-- --create-database]`: applies pending migrations to DATABASE_URL.
import { resolve } from "node:path";
import { applyMigrations } from "../lib/db/migrations.ts";
import { checkDatabaseServer, describeDatabaseProblem, type DatabaseUrlSource } from "./database-check.ts";
import { DEFAULT_DATABASE_URL, loadDotEnv } from "./load-env.ts";

const inShell = Boolean(process.env.DATABASE_URL);
loadDotEnv();
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const source: DatabaseUrlSource = inShell ? "the shell" : process.env.DATABASE_URL ? ".env" : "the default";

try {
  // First a connection with a short timeout, so a missing server is told in seconds, not after
  // the driver's own 10 s.
  await checkDatabaseServer(databaseUrl);
  const result = await applyMigrations({
    databaseUrl,
    migrationsDir: resolve("prisma/migrations"),
    createDatabase: process.argv.includes("--create-database"),
    log: (line) => console.log(line),
  });
  console.log(
    `migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
  );
} catch (error) {
  console.error(describeDatabaseProblem(error, { url: databaseUrl, source }) ?? `db:migrate failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
