import type { TestProject } from "vitest/node";
import { prepareRunDatabase } from "../support/run-database.ts";

// The db project's run: one migrated database, dropped when the run ends, passed, failed or
// interrupted. No server: the tests call lib/ and the handlers directly.

export default async function setup(project: TestProject) {
  const database = await prepareRunDatabase(project);
  return () => database.end();
}
