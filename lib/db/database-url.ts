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

/** The same URL with its connection pool limited to `size`: one Lambda container serves one request at a time. */
export function withPoolSize(url: string, size: number): string {
  const parsed = new URL(url);
  parsed.searchParams.set("connectionLimit", String(size));
  return parsed.toString();
}
