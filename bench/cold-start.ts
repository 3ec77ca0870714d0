// Cold-start cost of each packaged function: `sls package --stage prod`, then each zip's
// handler's import time, measured inside a fresh Node process for each run, with the zip
// size beside it. Compare the rows of one run: this machine is shared and noisy.
//   npm run bench:cold-start
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractZip, packageProdStage } from "../test/support/packaged.ts";

const RUNS = Number(process.env.RUNS ?? 7);
const work = mkdtempSync(join(tmpdir(), "auth-api-cold-"));
const packageDir = join(work, "package");

const IMPORT_TIME = `
const started = performance.now();
const module = await import(process.argv[1]);
if (Object.values(module).every((value) => typeof value !== "function")) throw new Error("no handler exported");
console.log(performance.now() - started);
`;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function importMs(file: string): number {
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", IMPORT_TIME, file], { encoding: "utf8" }).trim());
}

try {
  await packageProdStage(packageDir, { CORS_ORIGINS: "https://app.example.com", ESBUILD_WORK_FOLDER: ".esbuild-bench" });
  const rows: string[] = [];
  for (const zipName of readdirSync(packageDir).filter((name) => name.endsWith(".zip")).sort()) {
    const root = join(work, zipName.replace(/\.zip$/, ""));
    const handlerFile = join(root, (await extractZip(join(packageDir, zipName), root)).find((name) => name.endsWith(".mjs"))!);
    const times = Array.from({ length: RUNS }, () => importMs(handlerFile));
    const sizeKb = statSync(join(packageDir, zipName)).size / 1024;
    rows.push(`${zipName.padEnd(20)} ${sizeKb.toFixed(0).padStart(6)} KB zip   ${median(times).toFixed(1).padStart(6)} ms import`);
  }
  console.log(`cold import per function, median of ${RUNS} fresh processes:`);
  for (const row of rows) console.log(`  ${row}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
