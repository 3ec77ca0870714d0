import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

// The database a project's run works against (db and e2e projects): created and migrated by the
// project's own runner before the first test, given to the tests through inject(), dropped
// when the run ends.

/** The browser origin the test stage allows (the tutorials' front ends). */
export const TEST_ORIGIN = "http://localhost:8081";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    jwtSecret: string;
    corsOrigin: string;
  }
}

export interface RunDatabase extends TestDatabase {
  jwtSecret: string;
}

export async function prepareRunDatabase(project: TestProject): Promise<RunDatabase> {
  const database = await createTestDatabase();
  try {
    await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const jwtSecret = randomBytes(48).toString("base64url");
  project.provide("databaseUrl", database.url);
  project.provide("jwtSecret", jwtSecret);
  project.provide("corsOrigin", TEST_ORIGIN);
  return { ...database, jwtSecret };
}
