import { assertAnswerConforms } from "../support/lambda-contract.ts";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import mysql from "mysql2/promise";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { databaseUnavailable } from "../../lib/db/unavailable.ts";
import { createTestDatabase } from "../support/database.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { grantRoleInDatabase, query, queryAt } from "../support/db-query.ts";
import { newAccount } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";
import { waitForLockWaits } from "../support/lock-waits.ts";
import { startTcpProxy, urlThroughProxy, type TcpProxy } from "../support/tcp-proxy.ts";

// Signin, a real use case, with the database away, refusing the login or never answering: it
// fails within the time budget with an error databaseUnavailable() names, and the same module
// instance (a warm container, no cold start) signs in again once the database is back. Each test
// loads an instance of its own, cold, with the DATABASE_URL it sets; a TCP proxy in front of the
// run's database takes it away and brings it back on the same port.

const RUN_URL = inject("databaseUrl");
/** The pool gives up after 2 s (lib/db/client.ts); the function's timeout is 10 s. */
const BUDGET_MS = 3_500;
/**
 * The routes' bound with a database gone silent is 3 s (1.5 s of silence on a connection in use,
 * 2 s to find no new one); asserted with twice that margin for a loaded machine, still well
 * inside middy's timeout at the function's 10 s. The figures themselves: `npm run bench:faults`.
 */
const SILENT_BOUND_MS = 6_000;

type SignIn = (typeof import("../../lib/sessions/signin.ts"))["signIn"];
type GetPrisma = (typeof import("../../lib/db/client.ts"))["getPrisma"];
interface Container {
  signIn: SignIn;
  getPrisma: GetPrisma;
}

const proxies: TcpProxy[] = [];
const user = { username: `faults_${randomBytes(4).toString("hex")}`, password: "the-right-password" };

/** A fresh module instance whose first request will read `databaseUrl`: a cold container. */
function newContainer(databaseUrl: string): Promise<Container> {
  process.env.DATABASE_URL = databaseUrl;
  return newContainerWith(async () => ({
    signIn: (await import("../../lib/sessions/signin.ts")).signIn,
    getPrisma: (await import("../../lib/db/client.ts")).getPrisma,
  }));
}

async function proxyToRunDatabase(): Promise<TcpProxy> {
  const proxy = await startTcpProxy(parseDatabaseUrl(RUN_URL));
  proxies.push(proxy);
  return proxy;
}

function runUrlWith(change: (url: URL) => void): string {
  const url = new URL(RUN_URL);
  change(url);
  return url.toString();
}

/** The error a signin fails with, and how long it took to come. */
async function failedSignIn(container: Container): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await container.signIn(user);
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error("the signin succeeded");
}

async function signsIn(container: Container): Promise<string> {
  return (await container.signIn(user)).username;
}

beforeAll(async () => {
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
    user.username,
    `${user.username}@example.com`,
    await hashPassword(user.password),
  ]);
});

afterEach(() => {
  process.env.DATABASE_URL = RUN_URL;
});

afterAll(async () => {
  await closeContainers();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

describe("a cold container whose database is unavailable", () => {
  it("connection refused: named within the budget; once the database is back, the same instance signs in", async () => {
    // Prepare: the proxy's port, closed, refuses connections.
    const proxy = await proxyToRunDatabase();
    await proxy.close();
    const container = await newContainer(urlThroughProxy(RUN_URL, proxy));
    // Act
    const { error, ms } = await failedSignIn(container);
    // Assess
    expect(databaseUnavailable(error)).toEqual({
      cause: "connection refused",
      code: "ECONNREFUSED",
      detail: `connect ECONNREFUSED 127.0.0.1:${proxy.port}`,
    });
    expect(ms).toBeLessThan(BUDGET_MS);
    await proxy.forward();
    expect(await signsIn(container)).toBe(user.username);
  });

  it("access denied: a wrong password, which nothing fit for the log contains", async () => {
    const password = `wrong-${randomBytes(8).toString("hex")}`;
    const container = await newContainer(runUrlWith((url) => (url.password = password)));
    const { error, ms } = await failedSignIn(container);
    const unavailable = databaseUnavailable(error);
    expect(unavailable).toEqual({
      cause: "access denied",
      code: "ER_ACCESS_DENIED_ERROR",
      detail: expect.stringMatching(/^Access denied for user '[^']+'@'[^']+' \(using password: YES\)$/) as string,
    });
    expect(JSON.stringify(unavailable)).not.toContain(password);
    expect(JSON.stringify(unavailable)).not.toContain("://");
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it("unknown database", async () => {
    const name = `auth_api_missing_${randomBytes(4).toString("hex")}`;
    const container = await newContainer(runUrlWith((url) => (url.pathname = `/${name}`)));
    const { error, ms } = await failedSignIn(container);
    expect(databaseUnavailable(error)).toEqual({ cause: "unknown database", code: "ER_BAD_DB_ERROR", detail: `Unknown database '${name}'` });
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it("unknown host", async () => {
    const container = await newContainer(runUrlWith((url) => (url.hostname = "nonexistent.invalid")));
    const { error, ms } = await failedSignIn(container);
    const unavailable = databaseUnavailable(error);
    // Without a resolver at hand, the lookup fails with EAI_AGAIN instead of ENOTFOUND.
    expect(unavailable?.cause).toBe("unknown host");
    expect(["ENOTFOUND", "EAI_AGAIN"]).toContain(unavailable?.code);
    expect(unavailable?.detail).toContain("nonexistent.invalid");
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it("timeout: a server that accepts the connection and never says a word", async () => {
    const proxy = await proxyToRunDatabase();
    await proxy.holdSilently();
    const container = await newContainer(urlThroughProxy(RUN_URL, proxy));
    const { error, ms } = await failedSignIn(container);
    expect(databaseUnavailable(error)).toEqual({
      cause: "timeout",
      code: "ER_CONNECTION_TIMEOUT",
      detail: expect.stringMatching(/^Connection timeout: failed to create socket after \d+ms$/) as string,
    });
    expect(ms).toBeLessThan(BUDGET_MS);
  });
});

describe("a warm container whose database becomes unavailable", () => {
  it("goes away: refused within the budget; back: the next request signs in", async () => {
    const proxy = await proxyToRunDatabase();
    const container = await newContainer(urlThroughProxy(RUN_URL, proxy));
    expect(await signsIn(container)).toBe(user.username);

    await proxy.close();
    // A moment for the client to see its connection closed (a query at once would find it lost).
    await sleep(100);
    const { error, ms } = await failedSignIn(container);
    expect(databaseUnavailable(error)).toMatchObject({ cause: "connection refused", code: "ECONNREFUSED" });
    expect(ms).toBeLessThan(BUDGET_MS);

    await proxy.forward();
    expect(await signsIn(container)).toBe(user.username);
  });

  it("breaks during a query: connection lost; the next request connects again", async () => {
    const proxy = await proxyToRunDatabase();
    const container = await newContainer(urlThroughProxy(RUN_URL, proxy));
    expect(await signsIn(container)).toBe(user.username);

    proxy.cutOnNextRequest();
    const { error } = await failedSignIn(container);
    expect(databaseUnavailable(error)).toEqual({
      cause: "connection lost",
      code: "ER_SOCKET_UNEXPECTED_CLOSE",
      detail: "socket has unexpectedly been closed",
    });
    expect(await signsIn(container)).toBe(user.username);
  });

  it("stops answering, its connection still open: timeout within the budget; then the next request signs in", async () => {
    const proxy = await proxyToRunDatabase();
    const container = await newContainer(urlThroughProxy(RUN_URL, proxy));
    expect(await signsIn(container)).toBe(user.username);

    await proxy.holdSilently();
    // Past the 500 ms after which the pool pings a connection before lending it out.
    await sleep(600);
    const { error, ms } = await failedSignIn(container);
    expect(databaseUnavailable(error)).toEqual({
      cause: "timeout",
      code: "ER_CONNECTION_TIMEOUT",
      detail: expect.stringMatching(/^Connection timeout: failed to create socket after \d+ms$/) as string,
    });
    expect(ms).toBeLessThan(BUDGET_MS);

    await proxy.forward();
    expect(await signsIn(container)).toBe(user.username);
  });

  it("after a long outage, the first request once the database is back signs in", async () => {
    // Prepare: short timeouts (the URL's own win), so that a few failed requests are a long outage
    // for the driver, whose own reconnection waits longer after each failure.
    const proxy = await proxyToRunDatabase();
    const container = await newContainer(`${urlThroughProxy(RUN_URL, proxy)}?acquireTimeout=300&connectTimeout=200`);
    expect(await signsIn(container)).toBe(user.username);
    await proxy.close();
    await sleep(100);
    for (let attempt = 0; attempt < 4; attempt++) await failedSignIn(container);
    // Act
    await proxy.forward();
    // Assess
    expect(await signsIn(container)).toBe(user.username);
  });
});

describe("errors that are not about reaching the database", () => {
  it("a refused signin and a duplicate key are the database answering", async () => {
    const container = await newContainer(RUN_URL);
    const refused = await container.signIn({ ...user, password: "a-wrong-password" }).catch((error: unknown) => error);
    const prisma = await container.getPrisma();
    const duplicate = await prisma.user
      .create({ data: { username: user.username, email: "another@example.com", passwordHash: "x" } })
      .catch((error: unknown) => error);

    expect(refused).toMatchObject({ statusCode: 401 });
    expect(duplicate).toMatchObject({ code: "P2002" });
    expect(databaseUnavailable(refused)).toBeUndefined();
    expect(databaseUnavailable(duplicate)).toBeUndefined();
  });
});

describe("the signin route with its database away", () => {
  it("answers a JSON 503 within the budget and logs one line with the cause; the next request after the database returns succeeds", async () => {
    // Prepare: a cold signin handler whose database is behind a closed port; stderr captured.
    const proxy = await proxyToRunDatabase();
    await proxy.close();
    process.env.DATABASE_URL = urlThroughProxy(RUN_URL, proxy);
    const { handler } = await newContainerWith(() => import("../../functions/signin.ts"));
    const signin = handler as unknown as (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
    // A new event per call: the chain replaces an event's body with the parsed one.
    const event = () => httpEvent({ method: "POST", path: "/api/auth/signin", body: user, headers: { Origin: "https://elsewhere.example" } });
    const logged: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (logged.push(String(chunk)), true));
    // Act
    const started = performance.now();
    const answer = await signin(event(), lambdaContext("signin"));
    const ms = performance.now() - started;
    // Assess
    expect(answer.statusCode).toBe(503);
    assertAnswerConforms(event(), answer);
    expect(JSON.parse(answer.body)).toEqual({ message: "Service temporarily unavailable" });
    expect(answer.headers).toMatchObject({ "Content-Type": "application/json", Vary: "Origin", "X-Content-Type-Options": "nosniff" });
    expect(ms).toBeLessThan(BUDGET_MS);
    const lines = logged.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: "ERROR",
        message: "Database unavailable",
        cause: "connection refused",
        code: "ECONNREFUSED",
        route: "POST /api/auth/signin",
        function_request_id: "aws-request-1",
      }),
    ]);
    expect(logged.join("")).not.toContain(user.password);
    // The database returns: the same module instance answers without a cold start.
    await proxy.forward();
    const again = await signin(event(), lambdaContext("signin"));
    expect([again.statusCode, logged.slice(1)]).toEqual([200, []]);
  });
});

type RouteHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

describe("the database routes when the database goes silent", () => {
  it("under steady traffic, mid-query: each answers a JSON 503 within the bound, logging one line naming the timeout; back, each serves again", async () => {
    // Prepare: one warm container with the routes' handlers, an admin signed in through it, and
    // a request every 50 ms, so that the connection is always in use (never idle long enough for
    // the pool to ping it before lending it out).
    const proxy = await proxyToRunDatabase();
    process.env.DATABASE_URL = urlThroughProxy(RUN_URL, proxy);
    const handlers = await newContainerWith(async () => ({
      signin: (await import("../../functions/signin.ts")).handler,
      me: (await import("../../functions/me.ts")).handler,
      refresh: (await import("../../functions/refresh.ts")).handler,
      listUsers: (await import("../../functions/admin/list-users.ts")).handler,
      signup: (await import("../../functions/signup.ts")).handler,
    }));
    const call = (handler: unknown, event: APIGatewayProxyEvent) =>
      (handler as RouteHandler)(event, lambdaContext("route"));
    const admin = { username: `silent_${randomBytes(4).toString("hex")}`, password: "the-admin-password" };
    await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
      admin.username,
      `${admin.username}@example.com`,
      await hashPassword(admin.password),
    ]);
    const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [admin.username]);
    await grantRoleInDatabase(row!.id, "admin");
    const signedIn = await call(handlers.signin, httpEvent({ path: "/api/auth/signin", body: admin }));
    const { refreshToken, accessToken } = JSON.parse(signedIn.body) as { refreshToken: string; accessToken: string };
    const authorizer = { userId: row!.id, username: admin.username, roles: "user,admin" };
    // The routes the issue saw hang, and signup (a transaction), in the order met; `me` first,
    // whose query the silent database receives but never answers: a read, so nothing is left half
    // done for the others. The rest of the database routes share the same pool and chain.
    const routes: [string, unknown, () => APIGatewayProxyEvent][] = [
      ["GET /api/auth/me", handlers.me, () => httpEvent({ path: "/api/auth/me", authorizer })],
      ["POST /api/auth/signin", handlers.signin, () => httpEvent({ path: "/api/auth/signin", body: admin })],
      ["POST /api/auth/refresh", handlers.refresh, () => httpEvent({ path: "/api/auth/refresh", body: { refreshToken } })],
      ["GET /api/admin/users", handlers.listUsers, () => httpEvent({ path: "/api/admin/users", authorizer })],
      // In a transaction, whose start Prisma bounds itself (maxWait).
      ["POST /api/auth/signup", handlers.signup, () => httpEvent({ path: "/api/auth/signup", body: newAccount("silent") })],
    ];
    for (let request = 0; request < 10; request++) {
      expect((await call(handlers.me, routes[0]![2]())).statusCode).toBe(200);
      await sleep(50);
    }
    const logged: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (logged.push(String(chunk)), true));

    // Act: the next query reaches the database, and neither its answer nor anything after comes back.
    proxy.silenceAfterNextRequest();
    const answers = [];
    for (const [route, handler, event] of routes) {
      logged.length = 0;
      const started = performance.now();
      const answer = await call(handler, event());
      const ms = performance.now() - started;
      const lines = logged.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      answers.push({ route, status: answer.statusCode, body: answer.body, withinBound: ms < SILENT_BOUND_MS, lines, text: logged.join("") });
    }

    // Assess
    for (const { route, status, body, withinBound, lines, text } of answers) {
      expect({ route, status, body: JSON.parse(body) as unknown, withinBound }).toEqual({
        route,
        status: 503,
        body: { message: "Service temporarily unavailable" },
        withinBound: true,
      });
      expect(lines).toEqual([expect.objectContaining({ level: "ERROR", message: "Database unavailable", cause: "timeout", route })]);
      for (const secret of [admin.password, refreshToken, accessToken, "://"]) expect(text).not.toContain(secret);
    }
    // The first route met the silence on its connection; the others found no new one.
    expect(answers.map(({ lines }) => lines[0]?.code)).toEqual([
      "ER_SOCKET_TIMEOUT",
      "ER_CONNECTION_TIMEOUT",
      "ER_CONNECTION_TIMEOUT",
      "ER_CONNECTION_TIMEOUT",
      "ER_CONNECTION_TIMEOUT",
    ]);

    // The database answers again: every route serves on the same container, nothing logged.
    await proxy.forward();
    logged.length = 0;
    const statuses = [];
    for (const [route, handler, event] of routes) statuses.push([route, (await call(handler, event())).statusCode]);
    expect(statuses).toEqual(routes.map(([route]) => [route, route.endsWith("signup") ? 201 : 200]));
    expect(logged).toEqual([]);
  });

  it("an idle connection when the database goes silent: signup, whose transaction Prisma bounds itself, answers a 503 naming the timeout", async () => {
    // Prepare: a warm signup container; the database goes silent while its connection is idle
    // for longer than the pool's 500 ms, so the pool pings it, then looks for a new one.
    const proxy = await proxyToRunDatabase();
    process.env.DATABASE_URL = urlThroughProxy(RUN_URL, proxy);
    const { handler } = await newContainerWith(() => import("../../functions/signup.ts"));
    const signup = () =>
      (handler as unknown as RouteHandler)(httpEvent({ path: "/api/auth/signup", body: newAccount("idle") }), lambdaContext("signup"));
    expect((await signup()).statusCode).toBe(201);
    await proxy.holdSilently();
    await sleep(600);
    const logged: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (logged.push(String(chunk)), true));
    // Act
    const started = performance.now();
    const answer = await signup();
    const withinBound = performance.now() - started < SILENT_BOUND_MS;
    // Assess: the pool's error, with its cause, not Prisma's "Unable to start a transaction in the given time".
    expect({ status: answer.statusCode, withinBound }).toEqual({ status: 503, withinBound: true });
    const lines = logged.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ message: "Database unavailable", cause: "timeout", code: "ER_CONNECTION_TIMEOUT" })]);
    await proxy.forward();
    expect((await signup()).statusCode).toBe(201);
  });

  it("a warm container idle for longer than the socket timeout answers its next request as usual", async () => {
    // Prepare: a Lambda container waits for its next request with its connection open; the
    // driver's socket timeout (1.5 s) closes it meanwhile.
    const container = await newContainer(RUN_URL);
    expect(await signsIn(container)).toBe(user.username);
    await sleep(2_000);
    // Act, Assess: a normal answer, not a 503.
    expect(await signsIn(container)).toBe(user.username);
  });
});

describe("a statement that rightly takes longer than a route's bound", () => {
  it("pruneSessions' DELETE, held 2 s by a lock, completes: the ops function allows long statements", async () => {
    // Prepare: a database of its own (the prune deletes every expired row, and would wait on
    // this lock too, in other test files), with one expired session whose row another
    // connection holds locked.
    const database = await createTestDatabase();
    const locker = await mysql.createConnection(parseDatabaseUrl(database.url));
    try {
      await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
      await queryAt(database.url, "INSERT INTO users (username, email, password_hash, updated_at) VALUES ('pruned', 'pruned@example.com', 'x', NOW(3))");
      await queryAt(
        database.url,
        "INSERT INTO sessions (id, user_id, token_hash, expires_at) SELECT REPEAT('a', 32), id, REPEAT('b', 64), NOW(3) - INTERVAL 1 DAY FROM users",
      );
      process.env.DATABASE_URL = database.url;
      const { handler } = await newContainerWith(() => import("../../functions/ops/prune-sessions.ts"));
      await locker.query("BEGIN");
      await locker.query("SELECT * FROM sessions FOR UPDATE");
      // Act: the prune waits on the lock, past the routes' 1.5 s, until it is released after 2 s.
      const pruned = handler();
      await waitForLockWaits(locker, 1);
      await sleep(1_000);
      await locker.query("COMMIT");
      // Assess
      expect(await pruned).toEqual({ deletedSessions: 1, deletedLockouts: 0, deletedAccountTokens: 0, deletedMails: 0 });
    } finally {
      await locker.end();
      await database.drop();
    }
  });
});
