// DATABASE_URL is `mysql://user:password@host:port/database?options` (Prisma's form).

/** The URL object of DATABASE_URL. URL's own error carries the input, password included: never echo it. */
function parsedDatabaseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error("DATABASE_URL is not a valid URL");
  }
}

/** A host as a URL writes it: an IPv6 address in brackets. */
function hostInUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export interface DatabaseAddress {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

export function parseDatabaseUrl(url: string): DatabaseAddress {
  const parsed = parsedDatabaseUrl(url);
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
  /** Silence on an open connection, busy or idle, after which the driver destroys it. */
  socketTimeoutMs: number;
}

/**
 * DATABASE_URL as the mariadb driver's pool reads it, with these pool settings: the URL's own
 * connectTimeout, acquireTimeout or socketTimeout win (an operator may need longer ones), the connection limit
 * does not. As @prisma/adapter-mariadb does for a pool it makes itself: the `mariadb:` scheme
 * (the driver reads no other), a bracket-free IPv6 host and no prepared-statement cache.
 */
export function driverPoolUrl(url: string, settings: PoolSettings): string {
  const parsed = parsedDatabaseUrl(url);
  parsed.protocol = "mariadb:";
  if (parsed.hostname.startsWith("[")) parsed.hostname = encodeURIComponent(parsed.hostname.slice(1, -1));
  const options = parsed.searchParams;
  options.set("connectionLimit", String(settings.connectionLimit));
  if (!options.has("connectTimeout")) options.set("connectTimeout", String(settings.connectTimeoutMs));
  if (!options.has("acquireTimeout")) options.set("acquireTimeout", String(settings.acquireTimeoutMs));
  if (!options.has("socketTimeout")) options.set("socketTimeout", String(settings.socketTimeoutMs));
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
  return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${hostInUrl(host)}:${port}/${encodeURIComponent(database)}`;
}

/** `url` with its host, port or database name replaced by those given. */
export function withAddress(url: string, parts: { host?: string; port?: number; database?: string }): string {
  const parsed = parsedDatabaseUrl(url);
  if (parts.host !== undefined) parsed.hostname = hostInUrl(parts.host);
  if (parts.port !== undefined) parsed.port = String(parts.port);
  if (parts.database !== undefined) parsed.pathname = `/${encodeURIComponent(parts.database)}`;
  return parsed.toString();
}
