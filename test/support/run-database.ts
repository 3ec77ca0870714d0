import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { createTestDatabase, dropAbandonedTestDatabases, type TestDatabase } from "./database.ts";
import { startRunGuard, type RunGuard } from "./run-guard.ts";
import { markTestRun } from "./test-run.ts";

// The database a project's run works against (db and e2e projects): created and migrated by the
// project's own runner before the first test, given to the tests through inject(), dropped when
// the run ends, and by the run's guard if it ends without its teardown.

/** The browser origin the test stage allows (the tutorials' front ends). */
export const TEST_ORIGIN = "http://localhost:8081";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    jwtSecret: string;
    /** The run's RS256 key (PKCS#8 PEM): access tokens are signed with it, as by default. */
    jwtPrivateKey: string;
    corsOrigin: string;
  }
}

export interface RunDatabase extends TestDatabase {
  jwtSecret: string;
  jwtPrivateKey: string;
  guard: RunGuard;
  /** Drops the database and releases the guard: the end of a run that tears down normally. */
  end(): Promise<void>;
}

export async function prepareRunDatabase(project: TestProject): Promise<RunDatabase> {
  // The databases workers create (e.g. the migration tests') belong to this run too.
  markTestRun();
  const abandoned = await dropAbandonedTestDatabases();
  if (abandoned.length > 0) console.log(`dropped ${abandoned.length} test database(s) left by runs that are gone: ${abandoned.join(", ")}`);

  const [guard, database] = await Promise.all([startRunGuard(), createTestDatabase()]);
  const end = async () => {
    await database.drop();
    await guard.release();
  };
  try {
    await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  } catch (error) {
    await end();
    throw error;
  }
  const jwtSecret = randomBytes(48).toString("base64url");
  project.provide("databaseUrl", database.url);
  const jwtPrivateKey = newSigningKeyPem("RS256");
  project.provide("jwtSecret", jwtSecret);
  project.provide("jwtPrivateKey", jwtPrivateKey);
  project.provide("corsOrigin", TEST_ORIGIN);
  return { ...database, jwtSecret, jwtPrivateKey, guard, end };
}
