// The guard of one test run (see run-guard.ts), started as
// `node --import tsx run-guard-process.ts <run pid>` in a session of its own. It reads one JSON
// message per line on stdin: {"stopGroup": pgid}, {"removeFolder": path}, {"released": true}.
// When stdin closes without "released", the run is gone: it cleans up after it and exits.
import { existsSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { dropTestDatabasesOf } from "./database.ts";

const runPid = Number(process.argv[2]);
const groups: number[] = [];
const folders: string[] = [];
let released = false;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} run ${runPid}: ${line}\n`);
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  for (let waited = 0; waited < 5_000; waited += 100) {
    await sleep(100);
    if (!signalGroup(pgid, 0)) return log(`stopped process group ${pgid}`);
  }
  signalGroup(pgid, "SIGKILL");
  log(`killed process group ${pgid}`);
}

async function cleanUp(): Promise<void> {
  log("ended without its teardown; cleaning up");
  await Promise.all(groups.map(stopGroup));
  // A second pass for what a worker was still making when the run went: workers outlive the
  // run's main process by a moment.
  for (const delay of [0, 3_000]) {
    await sleep(delay);
    for (const folder of folders.filter((path) => existsSync(path))) {
      rmSync(folder, { recursive: true, force: true });
      log(`removed ${folder}`);
    }
    for (const name of await dropTestDatabasesOf(runPid)) log(`dropped database ${name}`);
  }
}

createInterface({ input: process.stdin })
  .on("line", (line) => {
    const message = JSON.parse(line) as { stopGroup?: number; removeFolder?: string; released?: boolean };
    if (message.stopGroup) groups.push(message.stopGroup);
    if (message.removeFolder) folders.push(message.removeFolder);
    if (message.released) released = true;
  })
  .on("close", () => {
    (released ? Promise.resolve() : cleanUp())
      .catch((error: unknown) => log(`cleanup failed: ${String(error)}`))
      .finally(() => process.exit());
  });

process.stdout.write("guarding\n");
