import { rmSync } from "node:fs";
import autocannon from "autocannon";
import { freePort, startOffline } from "../../test/support/offline.ts";
import { onCleanUp } from "./cleanup.ts";

// Throughput of the local stack (serverless-offline, stage dev) under autocannon: a fixed number
// of connections for a fixed time, on the user board (behind the authorizer) and on signin.
// serverless-offline is a development server, not Lambda: these figures compare routes and
// changes on one machine, they do not predict a deployed stage's.

export interface Throughput {
  requestsPerSecond: number;
  latencyMedianMs: number;
  latencyP99Ms: number;
  /** Answers that were not the expected 2xx, and socket errors: a valid run has none. */
  failures: number;
  /** How many answers of each status other than 2xx: what the failures were. */
  failedStatuses: Record<string, number>;
}

export interface ThroughputOptions {
  databaseUrl: string;
  /** The key pair that signs (RS256), and the HMAC secret every stage also has. */
  jwtPrivateKey: string;
  jwtSecret: string;
  bcryptCost: number;
  seconds: number;
  connections: number;
}

async function run(url: string, options: ThroughputOptions, request: Partial<autocannon.Options>): Promise<Throughput> {
  const result = await autocannon({ url, duration: options.seconds, connections: options.connections, ...request });
  return {
    requestsPerSecond: result.requests.average,
    latencyMedianMs: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    failedStatuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {})
        .filter(([status]) => !status.startsWith("2"))
        .map(([status, { count }]) => [status, count ?? 0]),
    ),
  };
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as Record<string, unknown>;
}

export async function localThroughput(options: ThroughputOptions): Promise<Record<string, Throughput>> {
  const buildFolder = `.esbuild-bench-offline-${process.pid}`;
  const removeBuildFolder = onCleanUp(() => rmSync(buildFolder, { recursive: true, force: true }));
  // Its process group, known before it is ready, is stopped on Ctrl-C too.
  let stopGroup: () => Promise<void> = async () => {};
  const offline = await startOffline(
    {
      DATABASE_URL: options.databaseUrl,
      // Set here, not left to the default: the dev stage would take it from a developer's .env.
      ACCESS_TOKEN_ALG: "RS256",
      JWT_PRIVATE_KEY: options.jwtPrivateKey,
      JWT_SECRET: options.jwtSecret,
      BCRYPT_COST: String(options.bcryptCost),
      CORS_ORIGINS: "https://app.example.com",
      ESBUILD_WORK_FOLDER: buildFolder,
      // Its own MailDev, its mails kept in the build folder: the signups' verification mails must
      // not land in a developer's MailDev (`npm start` uses the default ports and .maildev/).
      MAILDEV_SMTP_PORT: String(await freePort()),
      MAILDEV_WEB_PORT: String(await freePort()),
      MAILDEV_MAIL_DIRECTORY: `${buildFolder}/mails`,
    },
    (pgid) => {
      stopGroup = onCleanUp(() => {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          // Gone already.
        }
      });
    },
  );
  try {
    // One account per connection: more than 5 signins of one username at once lock it
    // (lib/sessions/lockout.ts), and real signins come from many users.
    const accounts = Array.from({ length: options.connections }, (_, index) => ({
      username: `load_${process.pid}_${index}`,
      email: `load_${process.pid}_${index}@example.com`,
      password: "bench-password-1",
    }));
    for (const account of accounts) await post(`${offline.baseUrl}/api/auth/signup`, account);
    const { accessToken } = await post(`${offline.baseUrl}/api/auth/signin`, { username: accounts[0]!.username, password: accounts[0]!.password });
    // One call first: the board's and the authorizer's first start in serverless-offline, not
    // their throughput (a smoke run's second could pass before it answered).
    const board = await fetch(`${offline.baseUrl}/api/test/user`, { headers: { Authorization: `Bearer ${String(accessToken)}` } });
    if (!board.ok) throw new Error(`the user board answered ${board.status}: ${await board.text()}`);
    let signins = 0;
    return {
      "GET /api/test/user": await run(`${offline.baseUrl}/api/test/user`, options, {
        headers: { Authorization: `Bearer ${String(accessToken)}` },
      }),
      "POST /api/auth/signin": await run(`${offline.baseUrl}/api/auth/signin`, options, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        requests: [
          {
            // The accounts in turn: each has at most one or two signins running at a time.
            setupRequest: (request) => {
              const { username, password } = accounts[signins++ % accounts.length]!;
              return { ...request, body: JSON.stringify({ username, password }) };
            },
          },
        ],
      }),
    };
  } finally {
    await offline.stop();
    await stopGroup();
    await removeBuildFolder();
  }
}
