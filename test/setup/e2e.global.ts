import { writeFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { startOffline, type OfflineServer } from "../support/offline.ts";
import { prepareRunDatabase, TEST_ORIGIN } from "../support/run-database.ts";

// The e2e project's run: a database of its own and one serverless-offline serving the dev stage
// against it. Both are gone when the run ends, passed or failed.

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await prepareRunDatabase(project);
  let offline: OfflineServer;
  try {
    offline = await startOffline({
      DATABASE_URL: database.url,
      JWT_SECRET: database.jwtSecret,
      CORS_ORIGINS: TEST_ORIGIN,
      ACCESS_TOKEN_TTL: "900",
      // The lowest cost bcrypt allows keeps the suite fast; the cost setting itself is unit-tested.
      BCRYPT_COST: "4",
      ESBUILD_WORK_FOLDER: ".esbuild-test-offline",
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  project.provide("baseUrl", offline.baseUrl);

  return async () => {
    await offline.stop();
    // What the handlers logged, for reading after a failed run.
    writeFileSync(".test-offline.log", offline.output());
    await database.drop();
  };
}
