import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../lib/db/migrations.ts";
import { createTestDatabase } from "./support/database.ts";
import { startOffline } from "./support/offline.ts";

// One database for the run, migrated by the project's own runner, and one serverless-offline
// serving the dev stage against it. Both are gone when the run ends, passed or failed.

export const TEST_ORIGIN = "http://localhost:8081";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    jwtSecret: string;
    corsOrigin: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await createTestDatabase();
  const jwtSecret = randomBytes(48).toString("base64url");
  let stopOffline: (() => Promise<void>) | undefined;
  try {
    await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
    const offline = await startOffline({
      DATABASE_URL: database.url,
      JWT_SECRET: jwtSecret,
      CORS_ORIGINS: TEST_ORIGIN,
      ACCESS_TOKEN_TTL: "900",
      // The lowest cost bcrypt allows keeps the suite fast; the cost setting itself is unit-tested.
      BCRYPT_COST: "4",
      ESBUILD_WORK_FOLDER: ".esbuild-test-offline",
    });
    stopOffline = async () => {
      await offline.stop();
      // What the handlers logged, for reading after a failed run.
      writeFileSync(".test-offline.log", offline.output());
    };
    project.provide("baseUrl", offline.baseUrl);
  } catch (error) {
    await stopOffline?.();
    await database.drop();
    throw error;
  }
  project.provide("databaseUrl", database.url);
  project.provide("jwtSecret", jwtSecret);
  project.provide("corsOrigin", TEST_ORIGIN);

  return async () => {
    await stopOffline?.();
    await database.drop();
  };
}
