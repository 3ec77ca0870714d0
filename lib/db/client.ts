import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { createPool, type Pool } from "mariadb";
import { getDatabaseUrl } from "./database-secret.ts";
import { driverPoolUrl, type PoolSettings } from "./database-url.ts";
import { PrismaClient } from "./generated/client.ts";
import { databaseUnavailable } from "./unavailable.ts";

// One client per container, created on first use and never disconnected per request.

// One connection: a container serves one request at a time. The timeouts give up on a database
// that is away or refuses the login well inside the function's 10 s timeout, so the caller gets
// an answer (503) instead of a gateway timeout; the driver's defaults wait 10 s. A silent database
// costs a lent connection's ping (250 ms) on top of acquireTimeout: 2 s keeps that inside 3 s.
// The socket timeout covers a database that goes silent on a connection in use: the pool pings
// only a connection idle for over 500 ms before lending it, so under steady traffic a query would
// otherwise wait forever. The driver then destroys the connection (nothing late can arrive) and
// getPrisma starts a fresh pool. MariaDB's queryTimeout is no help here: it is the server's own
// limit (max_statement_time), unknown to MySQL, and a silent network never delivers its error.
// 1.5 s is a thousand times what the routes' indexed one-row queries take, and leaves a request
// that meets the silence after bcrypt within 3 s. It also closes a connection idle that long, so
// a request after a pause opens a new one instead of pinging the old (`npm run bench:faults`).
const POOL: PoolSettings = { connectionLimit: 1, connectTimeoutMs: 1_000, acquireTimeoutMs: 2_000, socketTimeoutMs: 1_500 };

let socketTimeoutMs = POOL.socketTimeoutMs;

/**
 * For an ops function whose statements may rightly take longer than a route's (pruneSessions
 * deletes in bulk): how long a connection in use may stay silent. Call it before the first query.
 */
export function allowLongStatements(timeoutMs: number): void {
  socketTimeoutMs = timeoutMs;
}

interface Connected {
  prisma: PrismaClient;
  pool: Pool;
}

let connected: Promise<Connected> | undefined;

function createDriverPool(url: string): Pool {
  const poolUrl = driverPoolUrl(url, { ...POOL, socketTimeoutMs });
  try {
    return createPool(poolUrl);
  } catch {
    // The driver's message quotes the whole connection string, password included.
    throw new Error("DATABASE_URL is not a connection string the mariadb driver can read");
  }
}

async function connect(url: string): Promise<Connected> {
  const pool = createDriverPool(url);
  try {
    // A first connection before Prisma has the pool: the adapter's first query (a version check)
    // swallows a failure after waiting out acquireTimeout, and the request's query would then wait
    // it out again. Failing here, once, also hands the caller the driver's own error and cause.
    await (await pool.getConnection()).release();
  } catch (error) {
    await pool.end();
    throw error;
  }
  // Prisma gives up on starting a transaction after maxWait (2 s by default) with an error of its
  // own (P2028) that says nothing of the cause: it waits longer than the pool, whose error names it.
  const transactionOptions = { maxWait: POOL.acquireTimeoutMs + 1_000 };
  return { pool, prisma: new PrismaClient({ adapter: new PrismaMariaDb(pool), transactionOptions }) };
}

/**
 * Connects with DATABASE_URL as the container has it, or as its secret says now when that is
 * refused. A rotated database password leaves connections already open working, but a new one
 * with the old password is refused until the cached secret expires (SECRETS_MAX_AGE): read again,
 * past the cache, and try once more if the secret changed.
 */
async function connectWithLatestSecret(): Promise<Connected> {
  const url = await getDatabaseUrl();
  try {
    return await connect(url);
  } catch (error) {
    if (databaseUnavailable(error)?.cause !== "access denied") throw error;
    // The refusal is what the caller should see (a 503, logged with its cause), also when Secrets
    // Manager cannot be read just now.
    const latest = await getDatabaseUrl({ maxAgeSeconds: 0 }).catch(() => url);
    if (latest === url) throw error;
    return connect(latest);
  }
}

function open(): Promise<Connected> {
  const pending = connectWithLatestSecret();
  // Forgotten when it fails, so that the next request tries again: the database may be back by then.
  pending.catch(() => {
    if (connected === pending) connected = undefined;
  });
  return pending;
}

async function close({ prisma, pool }: Connected): Promise<void> {
  await prisma.$disconnect();
  await pool.end();
}

export async function getPrisma(): Promise<PrismaClient> {
  const pending = (connected ??= open());
  const current = await pending;
  if (current.pool.totalConnections() > 0) return current.prisma;
  // A pool of one that holds no connection has lost it. It would reconnect by itself, but waits
  // longer after each failed attempt, up to 10 s after a long outage: past acquireTimeout, so
  // requests would go on failing after the database is back. A fresh pool tries at once.
  if (connected === pending) {
    connected = undefined;
    close(current).catch(() => {});
  }
  return (await (connected ??= open())).prisma;
}

/** Closes the pool; for scripts and tests, never for a Lambda request. */
export async function disconnectPrisma(): Promise<void> {
  const pending = connected;
  connected = undefined;
  // A client that never connected has nothing to close.
  const current = await pending?.catch(() => undefined);
  if (current) await close(current);
}
