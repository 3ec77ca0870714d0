// What signin meets when the database is away or refuses the login, and how long it waits for
// it: as a container's first request (cold) and under a client already connected (warm), its
// connection idle or busy (a request every 100 ms) when the database goes silent; then how soon
// the first request after the database's return succeeds, on the same module instance.
//   npm run bench:faults
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { parseDatabaseUrl } from "../lib/db/database-url.ts";
import { applyMigrations } from "../lib/db/migrations.ts";
import { databaseUnavailable } from "../lib/db/unavailable.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { queryAt } from "../test/support/db-query.ts";
import { startTcpProxy, urlThroughProxy } from "../test/support/tcp-proxy.ts";

const database = await createTestDatabase("auth_api_bench");
process.env.JWT_SECRET ??= "bench-secret-bench-secret-bench-secret";
process.env.BCRYPT_COST = "4";
// A throwaway account with a password, so that a wrong one is refused as it would be in a stage,
// and a limit of one connection, so that a second one is refused too.
const probeUser = `auth_api_bench_${process.pid}`;
const probePassword = randomBytes(12).toString("hex");
const server = parseDatabaseUrl(database.url);
const proxy = await startTcpProxy(server);
const silent = await startTcpProxy(server, "silent");

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

function withAddress(url: string, change: (parsed: URL) => void): string {
  const parsed = new URL(url);
  change(parsed);
  return parsed.toString();
}

/** One line about an error, from the innermost cause it carries (never a URL: none is passed in). */
function summary(error: unknown): string {
  type Meta = { driverAdapterError?: { cause?: { cause?: string; message?: string } } };
  const outer = error as { name?: string; code?: string; meta?: Meta };
  let inner: unknown = error;
  while ((inner as { cause?: unknown }).cause instanceof Error) inner = (inner as { cause: Error }).cause;
  const adapterCause = outer.meta?.driverAdapterError?.cause;
  // Prisma's own message ends with the driver's; a driver's message begins with it.
  const lines = String((inner as Error).message).split("\n").filter((line) => line.trim());
  const innermost = adapterCause?.cause ?? adapterCause?.message ?? (inner === error && outer.meta ? lines.at(-1) : lines[0]);
  return `${outer.name ?? "?"}${outer.code ? ` ${outer.code}` : ""} ← ${String(innermost).split("\n")[0]!.trim().slice(0, 110)}`;
}

try {
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  await queryAt(database.url, `CREATE USER '${probeUser}'@'%' IDENTIFIED BY '${probePassword}' WITH MAX_USER_CONNECTIONS 1`);
  await queryAt(database.url, `GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database.name}\`.* TO '${probeUser}'@'%'`);
  const asProbeUser = (password: string) =>
    withAddress(database.url, (url) => ((url.username = probeUser), (url.password = password)));
  const { signIn } = await import("../lib/sessions/signin.ts");
  const { disconnectPrisma } = await import("../lib/db/client.ts");
  const { resetConfig } = await import("../lib/config/environment.ts");
  const { UnauthorizedError } = await import("../lib/errors.ts");

  let calls = 0;
  /** One signin for a user that does not exist: a 401 means the database answered. */
  async function timedSignin(): Promise<{ ms: number; outcome: string; named: string }> {
    const started = performance.now();
    try {
      // A name of its own each time: the lockout would answer a name tried five times with a 429.
      await signIn({ username: `nobody_here_${++calls}`, password: "a-password" });
      return { ms: performance.now() - started, outcome: "answered", named: "" };
    } catch (error) {
      const ms = performance.now() - started;
      if (error instanceof UnauthorizedError) return { ms, outcome: "answered (401)", named: "" };
      const unavailable = databaseUnavailable(error);
      return { ms, outcome: summary(error), named: unavailable ? `${unavailable.cause} (${unavailable.code})` : "—" };
    }
  }

  async function useDatabase(url: string): Promise<void> {
    await disconnectPrisma();
    resetConfig();
    process.env.DATABASE_URL = url;
  }

  const rows: string[] = [];
  const report = (name: string, { ms, outcome, named }: { ms: number; outcome: string; named: string }) =>
    rows.push(`| ${name} | ${(ms / 1000).toFixed(2)} s | ${outcome} | ${named} |`);

  const refusingPort = String(await closedPort());
  const cold: [string, string][] = [
    ["connection refused (closed port)", withAddress(database.url, (url) => (url.port = refusingPort))],
    ["access denied (wrong password)", asProbeUser("wrong-password")],
    ["unknown host (nonexistent.invalid)", withAddress(database.url, (url) => (url.hostname = "nonexistent.invalid"))],
    ["unknown database", withAddress(database.url, (url) => (url.pathname = "/auth_api_bench_no_such_database"))],
    ["timeout (accepts, never speaks)", urlThroughProxy(database.url, silent)],
  ];
  for (const [name, url] of cold) {
    await useDatabase(url);
    report(`cold: ${name}`, await timedSignin());
    report(`  again on that instance`, await timedSignin());
  }
  const { default: mysql } = await import("mysql2/promise");
  const holder = await mysql.createConnection({ ...parseDatabaseUrl(database.url), user: probeUser, password: probePassword });
  await useDatabase(asProbeUser(probePassword));
  report("cold: too many connections (the account's one is taken)", await timedSignin());
  await holder.end();
  report("  again, the connection given back", await timedSignin());

  await useDatabase(urlThroughProxy(database.url, proxy));
  report("warm: connected", await timedSignin());
  await proxy.close();
  // A moment for the pool to see its connection closed; a query at once meets connection lost.
  await new Promise((done) => setTimeout(done, 100));
  report("warm: connection refused (database went away)", await timedSignin());
  // The driver's own reconnection backs off a little longer after each failure.
  const OUTAGE_CALLS = Number(process.env.OUTAGE_CALLS ?? 15);
  for (let call = 1; call < OUTAGE_CALLS; call++) await timedSignin();
  await proxy.forward();
  report(`warm: first call after the database is back (${OUTAGE_CALLS} failed calls before)`, await timedSignin());
  report("warm: the next one", await timedSignin());
  proxy.cutOnNextRequest();
  report("warm: connection lost during a query", await timedSignin());
  report("warm: the next one", await timedSignin());
  await proxy.holdSilently();
  // Past the 500 ms after which the pool pings a connection before lending it out.
  await new Promise((done) => setTimeout(done, 600));
  report("warm, idle (600 ms): stops answering, connection still open", await timedSignin());
  await proxy.forward();
  report("warm: the next one, answering again", await timedSignin());
  // Past the socket timeout (1.5 s, lib/db/client.ts), which closed the idle connection: the
  // request opens a new one, as a Lambda container's does after a pause between requests.
  await new Promise((done) => setTimeout(done, 2_000));
  report("warm: after 2 s idle (the socket timeout closed the connection)", await timedSignin());
  report("  the next one, on that connection", await timedSignin());
  // Busy: a request every 100 ms, so the pool lends the connection without pinging it; the
  // database receives the next query and never answers it.
  for (let call = 0; call < 10; call++) {
    await timedSignin();
    await new Promise((done) => setTimeout(done, 100));
  }
  proxy.silenceAfterNextRequest();
  report("warm, busy (a request every 100 ms): goes silent mid-query", await timedSignin());
  report("  the next one, still silent", await timedSignin());
  await proxy.forward();
  report("  the next one, answering again", await timedSignin());
  await disconnectPrisma();

  console.log("| case | time to answer | what arrived | databaseUnavailable() |\n|---|---|---|---|");
  console.log(rows.join("\n"));
} finally {
  await Promise.all([proxy.close(), silent.close()]);
  await queryAt(database.url, `DROP USER IF EXISTS '${probeUser}'@'%'`).catch(() => {});
  await database.drop();
}
