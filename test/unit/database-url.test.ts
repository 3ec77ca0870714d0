import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config/environment.ts";
import { disconnectPrisma, getPrisma } from "../../lib/db/client.ts";
import { driverPoolUrl, formatDatabaseUrl, parseDatabaseUrl, withAddress } from "../../lib/db/database-url.ts";

// DATABASE_URL as the mariadb driver's pool gets it, and what a URL it cannot read fails with;
// the URL of an RDS secret's parts.

interface DriverOptions {
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  database?: string;
}
// The driver's own URL reader, the one createPool(url) uses (an internal module, untyped).
const { default: ConnectionOptions } = (await import("mariadb/lib/config/connection-options.js")) as unknown as {
  default: { parse(url: string): DriverOptions };
};

const POOL = { connectionLimit: 1, connectTimeoutMs: 1_000, acquireTimeoutMs: 2_000, socketTimeoutMs: 1_500 };
const PASSWORD = "s3cret-Pa55word";

/** Everything a log line could show of an error: message, stack and own properties. */
function printed(error: unknown): string {
  return inspect(error, { depth: 5 });
}

describe("driverPoolUrl", () => {
  afterEach(() => {
    delete process.env.DATABASE_URL;
    resetConfig();
  });

  it("gives the driver its scheme, one connection and timeouts well inside the function's 10 s", () => {
    const url = new URL(driverPoolUrl(`mysql://app:${PASSWORD}@db.internal:3307/auth_api?connectionLimit=10&allowPublicKeyRetrieval=true`, POOL));
    expect(url.protocol).toBe("mariadb:");
    expect([url.username, url.password, url.host, url.pathname]).toEqual(["app", PASSWORD, "db.internal:3307", "/auth_api"]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      connectionLimit: "1",
      allowPublicKeyRetrieval: "true",
      connectTimeout: "1000",
      acquireTimeout: "2000",
      socketTimeout: "1500",
      prepareCacheLength: "0",
    });
  });

  it("keeps timeouts the URL sets itself", () => {
    const url = new URL(driverPoolUrl("mysql://root@127.0.0.1/auth_api?acquireTimeout=8000&connectTimeout=3000&socketTimeout=20000", POOL));
    const { searchParams } = url;
    expect(["acquireTimeout", "connectTimeout", "socketTimeout"].map((name) => searchParams.get(name))).toEqual(["8000", "3000", "20000"]);
  });

  it("writes an IPv6 host without brackets, as the driver reads it", () => {
    expect(new URL(driverPoolUrl("mysql://root@[::1]:3306/auth_api", POOL)).hostname).toBe("%3A%3A1");
  });

  it("refuses a malformed URL without echoing it", () => {
    let thrown: unknown;
    try {
      driverPoolUrl(`mysql//app:${PASSWORD}@db.internal/auth_api`, POOL);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toEqual(new Error("DATABASE_URL is not a valid URL"));
    expect(printed(thrown)).not.toContain(PASSWORD);
  });

  it("never echoes a URL the driver cannot read (the driver's own message quotes it whole)", async () => {
    // Prepare: a valid URL without a database, which the driver's pattern refuses.
    process.env.DATABASE_URL = `mysql://app:${PASSWORD}@127.0.0.1:3306`;
    // Act
    const failure = await getPrisma().then(
      () => undefined,
      (error: unknown) => error,
    );
    await disconnectPrisma();
    // Assess
    expect(failure).toEqual(new Error("DATABASE_URL is not a connection string the mariadb driver can read"));
    expect(printed(failure)).not.toContain(PASSWORD);
  });
});

describe("formatDatabaseUrl", () => {
  // Every printable ASCII character but letters and digits, a space, and some beyond ASCII: RDS
  // generates passwords from most of these, and an operator may type the rest.
  const PUNCTUATION = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  const parts = { host: "prod.cluster-abc.us-east-1.rds.amazonaws.com", port: 3307, user: "app@x:y", password: `${PUNCTUATION}%41é€😀`, database: "auth api" };

  it("writes a URL that gives back each part to the driver, to Prisma's reader and to ours", () => {
    const url = formatDatabaseUrl(parts);
    const driver = ConnectionOptions.parse(driverPoolUrl(url, POOL));
    const ours = parseDatabaseUrl(url);
    const whatwg = new URL(url);
    expect([driver.user, driver.password, driver.host, driver.port, driver.database]).toEqual([parts.user, parts.password, parts.host, 3307, parts.database]);
    expect(ours).toEqual({ host: parts.host, port: 3307, user: parts.user, password: parts.password, database: parts.database });
    expect([decodeURIComponent(whatwg.username), decodeURIComponent(whatwg.password)]).toEqual([parts.user, parts.password]);
  });

  it("writes an IPv6 host in brackets, which the driver gets without them", () => {
    const url = formatDatabaseUrl({ ...parts, host: "fd00::1" });
    expect(new URL(url).hostname).toBe("[fd00::1]");
    expect(ConnectionOptions.parse(driverPoolUrl(url, POOL)).host).toBe("fd00::1");
  });
});

describe("withAddress", () => {
  it("replaces host, port and database and leaves the credentials and options exactly as they were", () => {
    const url = formatDatabaseUrl({ host: "db.internal", port: 3306, user: "app", password: "p%41ss/@:", database: "auth_api" });
    const moved = withAddress(`${url}?connectTimeout=5000`, { host: "proxy.internal", port: 3307, database: "auth api" });
    expect(parseDatabaseUrl(moved)).toEqual({ host: "proxy.internal", port: 3307, user: "app", password: "p%41ss/@:", database: "auth api" });
    expect(new URL(moved).searchParams.get("connectTimeout")).toBe("5000");
  });
});
