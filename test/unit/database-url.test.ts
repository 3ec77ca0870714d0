import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config.ts";
import { disconnectPrisma, getPrisma } from "../../lib/db/client.ts";
import { driverPoolUrl } from "../../lib/db/database-url.ts";

// DATABASE_URL as the mariadb driver's pool gets it, and what a URL it cannot read fails with.

const POOL = { connectionLimit: 1, connectTimeoutMs: 1_000, acquireTimeoutMs: 2_500 };
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
      acquireTimeout: "2500",
      prepareCacheLength: "0",
    });
  });

  it("keeps timeouts the URL sets itself", () => {
    const url = new URL(driverPoolUrl("mysql://root@127.0.0.1/auth_api?acquireTimeout=8000&connectTimeout=3000", POOL));
    expect([url.searchParams.get("acquireTimeout"), url.searchParams.get("connectTimeout")]).toEqual(["8000", "3000"]);
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
