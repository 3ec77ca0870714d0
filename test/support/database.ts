import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import mysql from "mysql2/promise";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { isRunning, testRunPid } from "./test-run.ts";

// Each test run gets its own databases, created here and dropped afterwards. The server is the
// local MariaDB unless TEST_DATABASE_SERVER_URL names another (e.g. the docker-compose MySQL).
//
// A name says who made it: `<prefix>_<host>_<pid>_<random>`, pid being the test run's main
// process (or a script's own, see test-run.ts). So a database left by a run that is gone
// (interrupted, killed) is recognised and dropped later, and one whose run is still going never
// is: a developer and CI may share a server. The host tag keeps machines and containers that
// share a server, each with its own pids, from judging each other's databases.

export type TestDatabasePrefix = "auth_api_test" | "auth_api_migrate" | "auth_api_cli" | "auth_api_bench";
const PREFIXES: TestDatabasePrefix[] = ["auth_api_test", "auth_api_migrate", "auth_api_cli", "auth_api_bench"];
const HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 6);
const OWNED_NAME = new RegExp(`^(?:${PREFIXES.join("|")})_${HOST}_(\\d+)_[0-9a-f]{8}$`);

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? "mysql://root@127.0.0.1:3306";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server's URL with `database` as its path, keeping any options it carries. */
function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withServer<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const { host, port, user, password } = parseDatabaseUrl(urlFor("mysql"));
  const connection = await mysql.createConnection({ host, port, user, password });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

function dropDatabase(name: string): Promise<void> {
  return withServer(async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  });
}

export async function createTestDatabase(prefix: TestDatabasePrefix = "auth_api_test"): Promise<TestDatabase> {
  const name = `${prefix}_${HOST}_${testRunPid()}_${randomBytes(4).toString("hex")}`;
  await withServer((connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  return { name, url: urlFor(name), drop: () => dropDatabase(name) };
}

/** The names of every database on the server that starts with `auth_api_`. */
export function databaseNames(): Promise<string[]> {
  return withServer(async (connection) => {
    const [found] = await connection.query<mysql.RowDataPacket[]>("SHOW DATABASES LIKE 'auth\\_api\\_%'");
    return found.map((row) => String(Object.values(row)[0]));
  });
}

/** This host's test databases on the server, with the pid of the run that made each. */
async function ownedTestDatabases(): Promise<{ name: string; owner: number }[]> {
  return (await databaseNames()).flatMap((name) => {
    const owner = OWNED_NAME.exec(name)?.[1];
    return owner ? [{ name, owner: Number(owner) }] : [];
  });
}

/** Drops the test databases made by the run `pid`, which has ended; returns their names. */
export async function dropTestDatabasesOf(pid: number): Promise<string[]> {
  const names = (await ownedTestDatabases()).filter(({ owner }) => owner === pid).map(({ name }) => name);
  for (const name of names) await dropDatabase(name);
  return names;
}

/** Drops the test databases whose run is no longer running on this host; returns their names. */
export async function dropAbandonedTestDatabases(): Promise<string[]> {
  const names = (await ownedTestDatabases()).filter(({ owner }) => !isRunning(owner)).map(({ name }) => name);
  for (const name of names) await dropDatabase(name);
  return names;
}
