// `npm run db:migrate [-- --create-database]`: applies pending migrations to DATABASE_URL.
import { resolve } from "node:path";
import { applyMigrations } from "../lib/db/migrations.ts";
import { DEFAULT_DATABASE_URL, loadDotEnv } from "./load-env.ts";

loadDotEnv();
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;

try {
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
  console.error(`db:migrate failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
