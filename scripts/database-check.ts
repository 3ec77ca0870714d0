// What `npm start` and `npm run db:migrate` say when the database at DATABASE_URL cannot be used:
// what went wrong, the URL tried (without its password) and what to do, in one screen.
import mysql from "mysql2/promise";
import { parseDatabaseUrl } from "../lib/db/database-url.ts";

/**
 * Long enough for a database on this machine or the local network, short enough to wait for; a
 * slower one can say `?connectTimeout=<ms>` in its URL.
 */
export const CONNECT_TIMEOUT_MS = 3_000;

/** Where DATABASE_URL came from; the shell wins over .env. */
export type DatabaseUrlSource = "the shell" | ".env" | "the default";

/** The check's connect timeout: the URL's own `connectTimeout` wins, as it does for the functions' pool. */
export function connectTimeoutOf(url: string): number {
  const fromUrl = Number(URL.parse(url)?.searchParams.get("connectTimeout") ?? NaN);
  return Number.isInteger(fromUrl) && fromUrl > 0 ? fromUrl : CONNECT_TIMEOUT_MS;
}

/** Opens and closes one connection to the server at `url` (not to its database, which may not exist yet). */
export async function checkDatabaseServer(url: string, timeoutMs = connectTimeoutOf(url)): Promise<void> {
  const { host, port, user, password } = parseDatabaseUrl(url);
  await (await mysql.createConnection({ host, port, user, password, connectTimeout: timeoutMs })).end();
}

/** DATABASE_URL as it may be shown: no password, no query (whose options could carry one). */
export function shownDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(not a valid URL)";
  }
  const user = parsed.username ? `${parsed.username}${parsed.password ? ":***" : ""}@` : "";
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
}

export interface DatabaseProblemContext {
  url: string;
  source: DatabaseUrlSource;
}

// The errors both drivers give (mysql2 here, mariadb in the functions), as measured against
// MariaDB 10.11: `code` is a Node network error code or the server's error name.
const NO_SERVER = new Set(["ECONNREFUSED", "ETIMEDOUT", "ER_CONNECTION_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);
const UNKNOWN_HOST = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME"]);
const LOGIN_REFUSED = new Set(["ER_ACCESS_DENIED_ERROR", "ER_ACCESS_DENIED_NO_PASSWORD_ERROR"]);

const DB_UP = "npm run db:up         MySQL 8.4 in Docker on 127.0.0.1:3307, its DATABASE_URL written to .env";

function why(code: string, server: string, timeoutMs: number): string {
  switch (code) {
    case "ECONNREFUSED":
      return `nothing listens at ${server} (connection refused)`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${server} cannot be reached from here (${code})`;
    default:
      return `no answer from ${server} within ${timeoutMs / 1000} s (timed out)`;
  }
}

/**
 * The message for a database error, or undefined for one that has no better words than its own.
 * Never shows the password: only the error's code, the URL's parts and the server's user name.
 */
export function describeDatabaseProblem(error: unknown, { url, source }: DatabaseProblemContext): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  let address;
  try {
    address = parseDatabaseUrl(url);
  } catch {
    return undefined;
  }
  const { host, port, user, password, database } = address;
  // URL's hostname keeps an IPv6 address's brackets.
  const server = `${host}:${port}`;
  const inDotEnv = `put the DATABASE_URL of a MySQL or MariaDB you can use into .env${source === "the shell" ? ", and leave it out of the shell (the shell's wins)" : ""}`;
  const tried = `DATABASE_URL (from ${source}): ${shownDatabaseUrl(url)}`;
  const screen = (problem: string, fixes: string[]) =>
    [`${problem}.`, tried, fixes.length > 1 ? "To fix it, one of:" : "To fix it:", ...fixes.map((fix) => `  - ${fix}`)].join("\n");

  if (NO_SERVER.has(code)) {
    return screen(`No database server: ${why(code, server, connectTimeoutOf(url))}`, [
      `start MySQL or MariaDB listening at ${server}`,
      DB_UP,
      inDotEnv,
    ]);
  }
  if (UNKNOWN_HOST.has(code)) {
    return screen(`No database server: the host '${host}' is not found (${code})`, [
      "correct the host in DATABASE_URL in .env (127.0.0.1 for a database on this machine)",
      DB_UP,
    ]);
  }
  if (LOGIN_REFUSED.has(code)) {
    return screen(`The database server at ${server} refuses user '${user}' (access denied, ${password ? "with" : "without"} a password)`, [
      "correct the user or password in DATABASE_URL in .env (percent-encode @ : / # in the password)",
      "a packaged MySQL's root may log in only through its socket (sudo mysql): create a user with a password, and grant it the database",
      DB_UP,
    ]);
  }
  if (code === "ER_DBACCESS_DENIED_ERROR") {
    return screen(`User '${user}' may not use or create the database '${database}' at ${server} (access denied)`, [
      `grant it: GRANT ALL ON \`${database}\`.* TO '${user}'@'%'`,
      "or name a database that user has rights on in DATABASE_URL in .env",
    ]);
  }
  if (code === "ER_BAD_DB_ERROR") {
    return screen(`The database '${database}' does not exist at ${server}`, [
      "npm run db:migrate -- --create-database   creates it and its tables (npm start does this)",
    ]);
  }
  return undefined;
}
