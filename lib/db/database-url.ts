// DATABASE_URL is `mysql://user:password@host:port/database?options` (Prisma's form).

export interface DatabaseAddress {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

export function parseDatabaseUrl(url: string): DatabaseAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may hold a password: never echo it.
    throw new Error("DATABASE_URL is not a valid URL");
  }
  if (parsed.protocol !== "mysql:" && parsed.protocol !== "mariadb:") {
    throw new Error("DATABASE_URL must start with mysql:// or mariadb://");
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database) throw new Error("DATABASE_URL must name a database");
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || "root",
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
  };
}

export interface PoolSettings {
  /** Connections the pool may hold. */
  connectionLimit: number;
  /** One attempt to open a connection, login included. */
  connectTimeoutMs: number;
  /** How long a query waits for a connection; failed attempts are retried within it. */
  acquireTimeoutMs: number;
}

/**
 * DATABASE_URL as the mariadb driver's pool reads it, with these pool settings: the URL's own
 * connectTimeout or acquireTimeout win (an operator may need longer ones), the connection limit
 * does not. As @prisma/adapter-mariadb does for a pool it makes itself: the `mariadb:` scheme
 * (the driver reads no other), a bracket-free IPv6 host and no prepared-statement cache.
 */
export function driverPoolUrl(url: string, settings: PoolSettings): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // URL's own error carries the input, password included.
    throw new Error("DATABASE_URL is not a valid URL");
  }
  parsed.protocol = "mariadb:";
  if (parsed.hostname.startsWith("[")) parsed.hostname = encodeURIComponent(parsed.hostname.slice(1, -1));
  const options = parsed.searchParams;
  options.set("connectionLimit", String(settings.connectionLimit));
  if (!options.has("connectTimeout")) options.set("connectTimeout", String(settings.connectTimeoutMs));
  if (!options.has("acquireTimeout")) options.set("acquireTimeout", String(settings.acquireTimeoutMs));
  if (!options.has("prepareCacheLength")) options.set("prepareCacheLength", "0");
  return parsed.toString();
}

/** A database address as Secrets Manager's RDS secrets give it: every part known. */
export interface DatabaseAddressParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * The `mysql://` URL of an address, parseDatabaseUrl's inverse. User, password and database name
 * are percent-encoded whole (RDS passwords hold any punctuation): URL's own setters leave `%` as
 * it is, so a password with `%41` in it would come back as `A`.
 */
export function formatDatabaseUrl({ host, port, user, password, database }: DatabaseAddressParts): string {
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${hostPart}:${port}/${encodeURIComponent(database)}`;
}

/** `url` with its host, port or database name replaced by those given. */
export function withAddress(url: string, parts: { host?: string; port?: number; database?: string }): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // URL's own error carries the input, password included.
    throw new Error("DATABASE_URL is not a valid URL");
  }
  if (parts.host !== undefined) parsed.hostname = parts.host.includes(":") ? `[${parts.host}]` : parts.host;
  if (parts.port !== undefined) parsed.port = String(parts.port);
  if (parts.database !== undefined) parsed.pathname = `/${encodeURIComponent(parts.database)}`;
  return parsed.toString();
}
