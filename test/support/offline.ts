import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createServer } from "node:net";

// Starts `sls offline` for the dev stage on free ports and stops it (with its workers) afterwards.
// It runs in a process group of its own, so that stop() reaches everything it started; a
// terminal's Ctrl-C does not reach it, which is why the run guard is told its group at once.

/** Ports this process handed out: the system may offer a port again once its probe closed it. */
const handedOut = new Set<number>();

/** A port nothing listens on, and one this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

async function probePort(): Promise<number> {
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
  /** Its pid, which is also its process group's id. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const READY = /Server ready/;
const START_TIMEOUT_MS = 120_000;

/**
 * `onSpawn` learns the process group before the server is ready (which takes seconds). Everything
 * the server and its handlers print is also appended to `logFile`, for tests that read the log.
 */
export async function startOffline(env: Record<string, string>, onSpawn?: (pgid: number) => void, logFile?: string): Promise<OfflineServer> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/osls/bin/serverless.js", "offline", "start", "--stage", "dev", "--host", "127.0.0.1", "--httpPort", String(httpPort), "--lambdaPort", String(lambdaPort)],
    { env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const pid = child.pid!;
  onSpawn?.(pid);
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const server: OfflineServer = {
    baseUrl: `http://127.0.0.1:${httpPort}/dev`,
    pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      // The whole process group: serverless-offline runs handlers in workers of its own.
      process.kill(-pid, "SIGTERM");
      const killer = setTimeout(() => process.kill(-pid, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless-offline did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (logFile) appendFileSync(logFile, chunk);
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

  try {
    await ready;
  } catch (error) {
    // Not ready in time: it must not outlive the failed start.
    await server.stop();
    throw error;
  }
  return server;
}
