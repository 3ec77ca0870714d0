import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One database and one serverless-offline for the whole run (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/support/worker-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores here: more workers only make the HTTP tests wait on each other.
    maxWorkers: 2,
    restoreMocks: true,
  },
});
