import { defineConfig } from "vitest/config";

// The small run test/harness/interrupt.test.ts starts and interrupts: the e2e project's global
// setup (a database and serverless-offline, as in `npm test`) and one test that waits.
export default defineConfig({
  test: {
    include: ["test/harness/interrupted-run.fixture.ts"],
    globalSetup: ["test/setup/e2e.global.ts"],
    setupFiles: ["test/setup/exit-with-run.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
