import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { databaseNames } from "../support/database.ts";
import { isRunning } from "../support/test-run.ts";

// An interrupted `npm test` leaves no serverless-offline, no test database and no build folder
// behind (test/support/run-guard.ts). Each case starts a small vitest run
// (interrupted-run.config.ts) in a process group of its own, as a terminal runs a command,
// interrupts it once its serverless-offline answers, and waits for all the run made to be gone.

interface Report {
  offlinePid: number;
  baseUrl: string;
  databases: string[];
}

/** What is left of a run: it must become empty within seconds of the interruption. */
async function leftovers(runPid: number, report: Report): Promise<string[]> {
  const left: string[] = [];
  // process.kill(-pgid, 0) answers for the whole process group: the run's workers included.
  if (isRunning(-runPid)) left.push(`processes of the run's group ${runPid}`);
  if (isRunning(-report.offlinePid)) left.push(`serverless-offline's group ${report.offlinePid}`);
  const answered = await fetch(report.baseUrl).then(() => true, () => false);
  if (answered) left.push(`an answer on ${report.baseUrl}`);
  for (const name of await databaseNames()) {
    if (report.databases.includes(name) || name.includes(`_${runPid}_`)) left.push(`database ${name}`);
  }
  if (existsSync(`.esbuild-test-run-${runPid}`)) left.push(`folder .esbuild-test-run-${runPid}`);
  return left;
}

const interruptions: [string, (runPid: number) => void][] = [
  ["Ctrl-C in a terminal (SIGINT to the process group)", (runPid) => process.kill(-runPid, "SIGINT")],
  ["SIGINT to vitest alone", (runPid) => process.kill(runPid, "SIGINT")],
  ["SIGKILL to vitest alone", (runPid) => process.kill(runPid, "SIGKILL")],
];

describe("an interrupted run", () => {
  it.each(interruptions)("%s leaves nothing behind", async (_how, interrupt) => {
    // Prepare
    const reportDir = mkdtempSync(join(tmpdir(), "auth-api-harness-"));
    const reportFile = join(reportDir, "report.json");
    const run = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--config", "test/harness/interrupted-run.config.ts"], {
      detached: true,
      env: { ...process.env, HARNESS_REPORT: reportFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const runPid = run.pid!;
    let output = "";
    run.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    run.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => run.once("exit", () => resolve()));
    try {
      while (!existsSync(reportFile)) {
        if (run.exitCode !== null) throw new Error(`the run ended before it was interrupted:\n${output}`);
        await sleep(200);
      }
      await sleep(200); // the file is written in one call, but may be seen before it is complete
      const report = JSON.parse(readFileSync(reportFile, "utf8")) as Report;
      expect(await leftovers(runPid, report)).not.toEqual([]);

      // Act
      interrupt(runPid);
      await exited;

      // Assess
      let left = await leftovers(runPid, report);
      for (let waited = 0; left.length > 0 && waited < 20_000; waited += 500) {
        await sleep(500);
        left = await leftovers(runPid, report);
      }
      expect(left, output).toEqual([]);
    } finally {
      // Whatever the outcome, this test itself leaves nothing running.
      if (isRunning(-runPid)) process.kill(-runPid, "SIGKILL");
      rmSync(reportDir, { recursive: true, force: true });
    }
  });
});
