import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { inject } from "vitest";
import { runBuildFolder } from "./test-run.ts";

// `sls invoke local -f NAME --stage dev`, exactly as docs/operations.md tells an operator to run it,
// against this run's database.

export interface InvokeResult {
  code: number;
  stdout: string;
  stderr: string;
}

let invocations = 0;

export function invokeLocal(functionName: string, data?: unknown): Promise<InvokeResult> {
  // A build folder per invocation: two test files invoking the same function at once in one
  // shared folder load each other's half-written bundles ("does not point function property").
  const workFolder = `${runBuildFolder()}/invoke-${functionName}-${process.pid}-${++invocations}`;
  const args = ["node_modules/osls/bin/serverless.js", "invoke", "local", "--stage", "dev", "-f", functionName];
  if (data !== undefined) args.push("--data", JSON.stringify(data));
  const env = {
    ...process.env,
    DATABASE_URL: inject("databaseUrl"),
    JWT_SECRET: inject("jwtSecret"),
    JWT_PRIVATE_KEY: inject("jwtPrivateKey"),
    BCRYPT_COST: "4",
    ESBUILD_WORK_FOLDER: workFolder,
  };
  return new Promise((resolve) => {
    // A handler that throws while loading makes `sls invoke local` hang: bound it.
    const child = execFile(process.execPath, args, { env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      rmSync(workFolder, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
    // Without --data, `sls invoke` reads the event from a piped stdin until it closes.
    child.stdin?.end();
  });
}

/** The JSON value a successful invocation printed: osls prints the handler's result last, after its logs. */
export function printedJson<T>(result: InvokeResult): T {
  if (result.code !== 0) throw new Error(`invoke failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  const lines = result.stdout.split("\n");
  for (let start = lines.length - 1; start >= 0; start--) {
    if (!lines[start]!.startsWith("{")) continue;
    try {
      return JSON.parse(lines.slice(start).join("\n")) as T;
    } catch {
      // A log line, not the result: look further up.
    }
  }
  throw new Error(`invoke printed no JSON result:\n${result.stdout}`);
}
