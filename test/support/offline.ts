import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

// Starts `sls offline` for the dev stage on free ports and stops it (with its workers) afterwards.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface OfflineServer {
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

const READY = /Server ready/;
const START_TIMEOUT_MS = 120_000;

export async function startOffline(env: Record<string, string>): Promise<OfflineServer> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/osls/bin/serverless.js", "offline", "start", "--stage", "dev", "--httpPort", String(httpPort), "--lambdaPort", String(lambdaPort)],
    { env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless-offline did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless-offline exited with ${code}:\n${output}`));
    });
  });

  return {
    baseUrl: `http://127.0.0.1:${httpPort}/dev`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      // The whole process group: serverless-offline runs handlers in workers of its own.
      process.kill(-child.pid!, "SIGTERM");
      const killer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
