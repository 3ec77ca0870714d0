import { connect, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { UnauthorizedError } from "../../lib/errors.ts";
import { databaseUnavailable } from "../../lib/db/unavailable.ts";

// What databaseUnavailable() leaves alone, and what it never lets through. The errors the
// database layer really throws are classified in test/db/database-unavailable.test.ts.

/** A real socket error: a connection to a port nothing listens on. */
async function refusedConnection(): Promise<Error> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return new Promise((resolve) => connect(port, "127.0.0.1").once("error", resolve));
}

/** The shape of the mariadb driver's SqlError (errno, sqlState, its message's header). */
function driverError(errno: number, text: string, cause?: unknown): Error {
  return Object.assign(new Error(`(conn:-1, no: ${errno}, SQLState: HY000) ${text}`, { cause }), { errno, sqlState: "HY000" });
}

describe("databaseUnavailable", () => {
  it("leaves alone a refused connection that is not the database's (an AWS SDK call, say)", async () => {
    const refused = await refusedConnection();
    expect((refused as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    expect(databaseUnavailable(refused)).toBeUndefined();
    expect(databaseUnavailable(new Error("Secrets Manager unreachable", { cause: refused }))).toBeUndefined();
  });

  it("names the same socket error once the database driver reports it", async () => {
    const refused = await refusedConnection();
    expect(databaseUnavailable(driverError(45028, "pool timeout", refused))).toMatchObject({ cause: "connection refused", code: "ECONNREFUSED" });
  });

  it("leaves alone what is not an error of the database layer", () => {
    for (const value of [new UnauthorizedError("Invalid username or password"), new Error("boom"), "ECONNREFUSED", null, undefined, 42]) {
      expect(databaseUnavailable(value)).toBeUndefined();
    }
  });

  it("ends on a cause chain that loops", () => {
    const looping = driverError(45028, "pool timeout");
    looping.cause = looping;
    expect(databaseUnavailable(looping)).toMatchObject({ cause: "timeout", code: "ER_GET_CONNECTION_TIMEOUT" });
  });

  it("keeps a URL's credentials out of the detail, and the detail to one line", () => {
    const error = driverError(1045, "Access denied for mysql://app:s3cret-pw@db.internal/auth_api\n    (pool connections: active=0 idle=0 limit=1)");
    expect(databaseUnavailable(error)).toEqual({
      cause: "access denied",
      code: "ER_ACCESS_DENIED_ERROR",
      detail: "Access denied for mysql://…@db.internal/auth_api",
    });
  });
});
