import { readdirSync, rmSync } from "node:fs";

// Which test run a process belongs to. Databases and build folders carry the run's pid, so that
// whatever a run leaves behind can be told apart from what a run still going is using.

/**
 * Called by the global setups, in vitest's main process: workers start after them, with the
 * environment as it is then, so they belong to this run too.
 */
export function markTestRun(): void {
  process.env.TEST_RUN_PID = String(process.pid);
}

/** The pid of the test run this process belongs to; outside a test run (a bench script), its own. */
export function testRunPid(): number {
  return Number(process.env.TEST_RUN_PID) || process.pid;
}

/** Where this run's serverless-offline and `sls invoke local` build their bundles; removed when the run ends. */
export function runBuildFolder(): string {
  return `.esbuild-test-run-${testRunPid()}`;
}

const BUILD_FOLDER = /^\.esbuild-test-run-(\d+)$/;

/** Whether the process `pid` exists; given `-pgid`, whether any process of that group does. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the build folders of runs that are no longer running; returns their names. */
export function removeAbandonedBuildFolders(): string[] {
  const abandoned = readdirSync(".").filter((name) => {
    const pid = BUILD_FOLDER.exec(name)?.[1];
    return pid !== undefined && !isRunning(Number(pid));
  });
  for (const folder of abandoned) rmSync(folder, { recursive: true, force: true });
  return abandoned;
}
