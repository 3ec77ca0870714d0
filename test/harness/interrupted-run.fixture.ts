import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, inject, it } from "vitest";
import { createTestDatabase } from "../support/database.ts";

// Run only by interrupt.test.ts, through interrupted-run.config.ts: once serverless-offline
// answers, it writes what the run has made to the file HARNESS_REPORT names, then waits to be
// interrupted.

it("holds the run open until it is interrupted", async () => {
  expect((await fetch(`${inject("baseUrl")}/api/test/all`)).status).toBe(200);
  // A database of the worker's own, as the migration tests make.
  const workerDatabase = await createTestDatabase("auth_api_migrate");
  try {
    const report = {
      offlinePid: inject("offlinePid"),
      baseUrl: inject("baseUrl"),
      databases: [new URL(inject("databaseUrl")).pathname.slice(1), workerDatabase.name],
    };
    writeFileSync(process.env.HARNESS_REPORT!, JSON.stringify(report));
    await sleep(100_000);
  } finally {
    await workerDatabase.drop();
  }
});
