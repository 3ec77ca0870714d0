import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { getDatabaseUrl } from "../../lib/db/database-secret.ts";
import { applyMigrations, type MigrationResult } from "../../lib/db/migrations.ts";
import { logger } from "../../lib/logger.ts";

// `sls invoke -f migrate --stage X`: applies pending migrations to that stage's database.
// The migration files ship in this function's package (see serverless.yml).

/**
 * prisma/migrations in the working directory or the nearest one above it: Lambda runs in the
 * package's root, `sls invoke local` in the build folder inside the project.
 */
function findMigrationsDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "prisma", "migrations");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no prisma/migrations in ${start} or above`);
  }
}

export async function handler(): Promise<MigrationResult> {
  return applyMigrations({
    databaseUrl: await getDatabaseUrl(),
    migrationsDir: findMigrationsDir(process.cwd()),
    log: (line) => logger.info(line),
  });
}
