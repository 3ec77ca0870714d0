// Whether an error means that the database is away or refuses us (the client may try again
// later: 503), and why, in words fit for one log line. Measured, errors arrive in three shapes:
// - from getPrisma's first connection, the mariadb driver's "pool timeout" SqlError
//   (ER_GET_CONNECTION_TIMEOUT) with the real failure as its `cause`: a Node socket or DNS error,
//   or the server's own SqlError;
// - from a query of a connected client, a Prisma error (P2039, P2010 for raw queries) whose
//   meta.driverAdapterError.cause holds the driver's errno as `originalCode`, and the real
//   failure only as a message string in its `cause`;
// - from a query sent on a connection that had just broken, a Prisma error with Node's code
//   (ECONNRESET) as its own.

export type UnavailableCause =
  | "connection refused"
  | "access denied"
  | "unknown host"
  | "unknown database"
  | "too many connections"
  | "connection lost"
  | "timeout";

export interface DatabaseUnavailable {
  cause: UnavailableCause;
  /** Node's or the server's name for it: ECONNREFUSED, ER_ACCESS_DENIED_ERROR, … */
  code: string;
  /** The innermost error's own words, one line, without the credentials a URL could carry. */
  detail: string;
}

// Node's socket and DNS errors, by code.
const SYSTEM_ERRORS = new Map<string, UnavailableCause>([
  ["ECONNREFUSED", "connection refused"],
  ["ENOTFOUND", "unknown host"],
  ["EAI_AGAIN", "unknown host"],
  ["ECONNRESET", "connection lost"],
  ["EPIPE", "connection lost"],
  ["ETIMEDOUT", "timeout"],
]);

// The server's errors (MySQL and MariaDB share these numbers) and the driver's own (45000s).
const SERVER_ERRORS = new Map<number, { cause: UnavailableCause; code: string }>([
  [1044, { cause: "access denied", code: "ER_DBACCESS_DENIED_ERROR" }],
  [1045, { cause: "access denied", code: "ER_ACCESS_DENIED_ERROR" }],
  [1698, { cause: "access denied", code: "ER_ACCESS_DENIED_NO_PASSWORD_ERROR" }],
  [1049, { cause: "unknown database", code: "ER_BAD_DB_ERROR" }],
  [1040, { cause: "too many connections", code: "ER_CON_COUNT_ERROR" }],
  [1203, { cause: "too many connections", code: "ER_TOO_MANY_USER_CONNECTIONS" }],
  [1226, { cause: "too many connections", code: "ER_USER_LIMIT_REACHED" }],
  [45009, { cause: "connection lost", code: "ER_SOCKET_UNEXPECTED_CLOSE" }],
  [45012, { cause: "timeout", code: "ER_CONNECTION_TIMEOUT" }],
  // A connection that went silent past socketTimeout, in the middle of a query (lib/db/client.ts).
  [45026, { cause: "timeout", code: "ER_SOCKET_TIMEOUT" }],
  // The pool's "no connection in acquireTimeout": its cause, when it has one, says more.
  [45028, { cause: "timeout", code: "ER_GET_CONNECTION_TIMEOUT" }],
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  clientVersion?: unknown;
  originalCode?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/** One error of a chain, as far as classifying it goes. */
interface Link {
  errno?: number;
  code?: string;
  message: string;
}

// The driver's messages begin "(conn:12, no: 1045, SQLState: 28000) "; Node's "connect ECONNREFUSED …".
const DRIVER_HEADER = /^\(conn:[^,]*, no: (\d+), SQLState: [^)]*\)\s*/;
const NODE_SYSCALL_ERROR = /^[a-z]+ (E[A-Z_]+)\b/;
const MAX_CHAIN = 8;
const MAX_DETAIL = 200;

function isPrismaError(error: ErrorLike): boolean {
  return typeof error.clientVersion === "string";
}

/** Thrown by the database layer: Prisma, its driver adapter, or a driver's SqlError. */
function fromDatabase(error: ErrorLike): boolean {
  return isPrismaError(error) || error.name === "DriverAdapterError" || (typeof error.errno === "number" && typeof error.sqlState === "string");
}

function linkOf(error: ErrorLike): Link {
  const lines = (typeof error.message === "string" ? error.message : "")
    .split("\n")
    .filter((line) => line.trim() !== "");
  // Prisma's message ends with the driver's (after a frame of the caller's code); others begin with it.
  const message = (isPrismaError(error) ? lines.at(-1) : lines[0]) ?? "";
  // Prisma's adapter keeps the driver's errno as a string, `originalCode`.
  const errno = typeof error.errno === "number" ? error.errno : typeof error.originalCode === "string" ? Number(error.originalCode) : undefined;
  return {
    errno: Number.isInteger(errno) ? errno : undefined,
    code: typeof error.code === "string" ? error.code : undefined,
    message,
  };
}

/** A message Prisma kept instead of the error itself: its errno or Node code are in the words. */
function linkOfMessage(text: string): Link {
  const message = text.split("\n")[0] ?? "";
  const errno = DRIVER_HEADER.exec(message)?.[1];
  return { errno: errno ? Number(errno) : undefined, code: NODE_SYSCALL_ERROR.exec(message)?.[1], message };
}

function next(error: ErrorLike): unknown {
  return error.meta?.driverAdapterError ?? error.cause;
}

/** The errors of the chain, outermost first, from the first one the database layer threw. */
function databaseChain(error: unknown): Link[] {
  const chain: Link[] = [];
  let current = error;
  let inDatabase = false;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (typeof current === "string") {
      if (inDatabase) chain.push(linkOfMessage(current));
      break;
    }
    if (typeof current !== "object" || current === null) break;
    const link = current as ErrorLike;
    inDatabase ||= fromDatabase(link);
    if (inDatabase) chain.push(linkOf(link));
    current = next(link);
  }
  return chain;
}

function classify(link: Link): { cause: UnavailableCause; code: string } | undefined {
  const systemCause = link.code === undefined ? undefined : SYSTEM_ERRORS.get(link.code);
  if (systemCause && link.code) return { cause: systemCause, code: link.code };
  return link.errno === undefined ? undefined : SERVER_ERRORS.get(link.errno);
}

function safeDetail(message: string): string {
  return message
    .replace(DRIVER_HEADER, "")
    .replace(/\/\/[^\s/@]*@/g, "//…@")
    .trim()
    .slice(0, MAX_DETAIL);
}

/**
 * Why the database could not serve, if that is what `error` says (anywhere in its cause chain);
 * undefined for every other error, a database's answer (a duplicate key, say) included. The
 * innermost cause that names a reason wins: a pool timeout caused by a refused connection is
 * "connection refused".
 */
export function databaseUnavailable(error: unknown): DatabaseUnavailable | undefined {
  const chain = databaseChain(error);
  const reason = chain.map(classify).findLast((found) => found !== undefined);
  if (!reason) return undefined;
  return { ...reason, detail: safeDetail(chain.at(-1)?.message ?? "") };
}
