import { join } from "node:path";
import { getDatabaseUrl } from "../../lib/config.ts";
import { applyMigrations, type MigrationResult } from "../../lib/db/migrations.ts";

// `sls invoke -f migrate --stage X`: applies pending migrations to that stage's database.
// The migration files ship in this function's package (see serverless.yml).

export async function handler(): Promise<MigrationResult> {
  return applyMigrations({
    databaseUrl: await getDatabaseUrl(),
    migrationsDir: join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), "prisma", "migrations"),
    log: (line) => console.log(line),
  });
}
