import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";

// What an interrupted test run would leave behind, cleaned up however the run ends. On Ctrl-C
// (SIGINT) or SIGTERM vitest exits at once without running the global setups' teardowns, and a
// SIGKILL runs nothing at all; serverless-offline runs in a process group of its own, so a
// terminal's Ctrl-C does not reach it either. The guard is a small process in a session of its
// own (run-guard-process.ts) that holds a pipe from the run: when the pipe closes without the
// run having released it, the run is gone, and the guard stops the process groups and removes
// the folders it was told about, and drops the run's databases. Its log: .test-run-guard.log.

const GUARD_SCRIPT = fileURLToPath(new URL("./run-guard-process.ts", import.meta.url));
export const GUARD_LOG = ".test-run-guard.log";
const START_TIMEOUT_MS = 30_000;

export interface RunGuard {
  /** If the run ends without its teardown: SIGTERM this process group, SIGKILL it 5 s later. */
  stopGroup(pgid: number): void;
  /** If the run ends without its teardown: remove this folder. */
  removeFolder(path: string): void;
  /** The run tore down on its own: the guard exits doing nothing. */
  release(): Promise<void>;
}

export async function startRunGuard(): Promise<RunGuard> {
  const log = openSync(GUARD_LOG, "a");
  const guard = spawn(process.execPath, ["--import", "tsx", GUARD_SCRIPT, String(process.pid)], {
    detached: true,
    stdio: ["pipe", "pipe", log],
  });
  closeSync(log);
  // With the pipes asked for above, both are there.
  const stdin = guard.stdin as Socket;
  const stdout = guard.stdout as Socket;
  const exited = new Promise<void>((resolve) => guard.once("exit", () => resolve()));

  // Wait for its first line: a guard that failed to start must not be taken for a running one.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the run guard did not start (see ${GUARD_LOG})`)), START_TIMEOUT_MS);
    stdout.once("data", () => {
      clearTimeout(timer);
      resolve();
    });
    guard.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the run guard exited with ${code} (see ${GUARD_LOG})`));
    });
  });
  stdout.destroy();
  // Neither the guard nor its pipe may keep the run's process alive.
  guard.unref();
  stdin.unref();

  const send = (message: object) => stdin.write(`${JSON.stringify(message)}\n`);
  return {
    stopGroup: (pgid) => send({ stopGroup: pgid }),
    removeFolder: (path) => send({ removeFolder: path }),
    async release() {
      send({ released: true });
      stdin.end();
      // Referenced again while waiting, or a process with nothing else left to do would exit
      // before the guard has read that it is released.
      guard.ref();
      await exited;
    },
  };
}
