import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// A test's folder is its project; `npm run test:<project>` runs one, `npm test` all of them.
//   test/unit/     no database, no server: lib/ and handlers with fixed settings
//                  (test/setup/unit.env.ts), and property tests of the parsers of untrusted
//                  input. Runs in seconds: the loop while coding. Nothing heavy belongs here.
//   test/slow/     no database, no server either, same settings, but each file runs a real tool
//                  or waits on a real timeout: bundling with esbuild, the TypeScript compiler,
//                  openapi-typescript, openapi-to-postmanv2, the OpenAPI schema validator, the
//                  AWS SDK's timeouts against a silent port.
//   test/db/       lib/ and handlers through Lambda event shapes against a database the run
//                  creates, migrates and drops (test/setup/db.global.ts); no server.
//   test/e2e/      over HTTP through serverless-offline, and the ops functions through
//                  `sls invoke local`, with a database of their own (test/setup/e2e.global.ts).
//   test/deploy/   `sls package --stage prod` and its CloudFormation; no database.
//   test/harness/  the test setup itself: an interrupted run (Ctrl-C) leaves nothing behind.
//   test/types/    *.test-d.ts type tests, checked by `npm run typecheck` (tsc), not run here.

/** The project that runs test/<name>/**\/*.test.ts. */
function project(name: string, test: TestProjectInlineConfiguration["test"] = {}): TestProjectInlineConfiguration {
  const setupFiles = ["test/setup/exit-with-run.ts", ...(test.setupFiles ?? [])];
  return { extends: true, test: { name, include: [`test/${name}/**/*.test.ts`], ...test, setupFiles } };
}

// Tests that start processes or wait on a database get more time than the unit tests' 5 s.
const slow = { testTimeout: 30_000, hookTimeout: 180_000 };

export default defineConfig({
  test: {
    // Two cores here: more workers only make the HTTP tests wait on each other.
    maxWorkers: 2,
    restoreMocks: true,
    projects: [
      // Worker threads start faster than child processes: a quarter off the unit loop here, each
      // file still alone in its own thread with its own copy of process.env. The run guard of
      // exit-with-run.ts is for child processes; the unit tests start no server and no database.
      project("unit", { pool: "threads", setupFiles: ["test/setup/unit.env.ts"] }),
      project("slow", { testTimeout: 30_000, setupFiles: ["test/setup/unit.env.ts"] }),
      project("db", { ...slow, globalSetup: ["test/setup/db.global.ts"], setupFiles: ["test/setup/db.env.ts"] }),
      project("e2e", { ...slow, globalSetup: ["test/setup/e2e.global.ts"] }),
      // One file at a time: osls builds every package in the checkout's own .serverless folder
      // before moving it to --package, so two packagings at once take each other's zips away.
      project("deploy", { ...slow, fileParallelism: false }),
      project("harness", { ...slow, testTimeout: 180_000 }),
    ],
  },
});
