import type { APIGatewayProxyResult } from "aws-lambda";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { query } from "../support/db-query.ts";
import { uniqueName } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The refresh routes under each stage setting, through Lambda events against the real database.
// Each setting gets two containers (their own module instances, Prisma clients and connections),
// so that two refreshes with one token really race, as two tabs or a lost answer's retry do.

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;
interface Container {
  signin: Handler;
  refresh: Handler;
  refreshtoken: Handler;
  signout: Handler;
  endAllSessions: (userId: number) => Promise<number>;
}

interface Settings {
  REFRESH_TOKEN_ROTATION?: string;
  REFRESH_TOKEN_REUSE_INTERVAL?: string;
}

const SETTING_NAMES = ["REFRESH_TOKEN_ROTATION", "REFRESH_TOKEN_REUSE_INTERVAL"] as const;

/** Two containers of a stage with `settings` (read at their cold start). */
async function stage(settings: Settings): Promise<[Container, Container]> {
  for (const name of SETTING_NAMES) {
    if (settings[name] === undefined) delete process.env[name];
    else process.env[name] = settings[name];
  }
  const load = () =>
    newContainerWith(async () => ({
      signin: (await import("../../functions/signin.ts")).handler as Handler,
      refresh: (await import("../../functions/refresh.ts")).handler as Handler,
      refreshtoken: (await import("../../functions/refreshtoken.ts")).handler as Handler,
      signout: (await import("../../functions/signout.ts")).handler as Handler,
      endAllSessions: (await import("../../lib/sessions/store.ts")).endAllSessions,
    }));
  const a = await load();
  return [a, await load()];
}

interface Answer {
  status: number;
  body: { refreshToken?: string; accessToken?: string; message?: string };
}

async function call(handler: Handler, body: unknown, path: string): Promise<Answer> {
  const result = await handler(httpEvent({ method: "POST", path, body }), lambdaContext());
  return { status: result.statusCode, body: (result.body ? JSON.parse(result.body) : {}) as Answer["body"] };
}

const refresh = (c: Container, refreshToken: unknown) => call(c.refresh, { refreshToken }, "/api/auth/refresh");
const refreshtoken = (c: Container, body: unknown) => call(c.refreshtoken, body, "/api/auth/refreshtoken");

async function signIn(c: Container): Promise<{ userId: number; refreshToken: string }> {
  const username = uniqueName("rfs");
  const password = `pw-${username}`;
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
    username,
    `${username}@example.com`,
    await hashPassword(password),
  ]);
  const answer = await call(c.signin, { username, password }, "/api/auth/signin");
  expect(answer.status).toBe(200);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [username]);
  return { userId: row!.id, refreshToken: answer.body.refreshToken! };
}

async function sessionCount(userId: number): Promise<number> {
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", [userId]);
  return Number(row!.n);
}

const saved = Object.fromEntries(SETTING_NAMES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of SETTING_NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(closeContainers);

describe("refresh under the default settings (rotate, no reuse interval)", () => {
  it("of two refreshes racing with one token answers one, and ends the session for both", async () => {
    const [a, b] = await stage({});
    const { userId, refreshToken } = await signIn(a);

    const answers = await Promise.all([refresh(a, refreshToken), refresh(b, refreshToken)]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const winner = answers.find((answer) => answer.status === 200)!;
    expect((await refresh(a, winner.body.refreshToken)).status).toBe(401);
    expect(await sessionCount(userId)).toBe(0);
  });

  it("on /refreshtoken refuses the tutorial clients' second call with the first token with 403 and ends the session", async () => {
    const [a] = await stage({});
    const { userId, refreshToken } = await signIn(a);

    const first = await refreshtoken(a, { refreshToken });
    const second = await refreshtoken(a, { refreshToken });

    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(refreshToken);
    expect(second).toEqual({ status: 403, body: { message: "Invalid or expired refresh token. Please make a new signin request" } });
    expect(await sessionCount(userId)).toBe(0);
  });
});

describe("/api/auth/refreshtoken refusals", () => {
  it.each([
    ["no refreshToken", {}, "Refresh Token is required!"],
    ["a null refreshToken", { refreshToken: null }, "Refresh Token is required!"],
    ["an empty refreshToken", { refreshToken: "" }, "Refresh Token is required!"],
    ["a number for refreshToken", { refreshToken: 42 }, "Refresh Token is required!"],
    ["a malformed refreshToken", { refreshToken: "not-a-token" }, "Invalid or expired refresh token. Please make a new signin request"],
    [
      "an unknown refreshToken",
      { refreshToken: `${"a".repeat(32)}.${"b".repeat(43)}` },
      "Invalid or expired refresh token. Please make a new signin request",
    ],
  ])("answer %s with 403", async (_case, body, message) => {
    const [a] = await stage({});
    expect(await refreshtoken(a, body)).toEqual({ status: 403, body: { message } });
  });

  it("answer a body that is not JSON with the shared reader's 400, never a 401", async () => {
    const [a] = await stage({});
    const event = httpEvent({ method: "POST", path: "/api/auth/refreshtoken", rawBody: "refreshToken=x", headers: { "Content-Type": "application/json" } });
    const result = await a.refreshtoken(event, lambdaContext());
    expect(result.statusCode).toBe(400);
  });
});

describe("refresh with a reuse interval (REFRESH_TOKEN_REUSE_INTERVAL=30)", () => {
  it.each([
    ["/refresh", refresh],
    ["/refreshtoken", (c: Container, token: unknown) => refreshtoken(c, { refreshToken: token })],
  ] as const)("on %s answers two refreshes racing with one token the same successor, which then works", async (_route, send) => {
    const [a, b] = await stage({ REFRESH_TOKEN_REUSE_INTERVAL: "30" });
    const { userId, refreshToken } = await signIn(a);

    const [first, second] = await Promise.all([send(a, refreshToken), send(b, refreshToken)]);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.refreshToken).toBe(second.body.refreshToken);
    expect(first.body.refreshToken).not.toBe(refreshToken);
    expect((await send(a, first.body.refreshToken)).status).toBe(200);
    expect(await sessionCount(userId)).toBe(1);
  });

  it("answers a retry after the successor itself was spent as reuse: the session ends", async () => {
    const [a] = await stage({ REFRESH_TOKEN_REUSE_INTERVAL: "30" });
    const { userId, refreshToken } = await signIn(a);
    const successor = (await refresh(a, refreshToken)).body.refreshToken;
    expect((await refresh(a, successor)).status).toBe(200);

    expect((await refresh(a, refreshToken)).status).toBe(401);
    expect(await sessionCount(userId)).toBe(0);
  });

  it("answers two refreshes racing with a token spent longer ago than the interval as reuse: the session ends", async () => {
    const [a, b] = await stage({ REFRESH_TOKEN_REUSE_INTERVAL: "30" });
    const { userId, refreshToken } = await signIn(a);
    expect((await refresh(a, refreshToken)).status).toBe(200);
    // The refresh that spent it, moved back past the interval (with 5 s to spare).
    await query("UPDATE sessions SET refreshed_at = refreshed_at - INTERVAL 35 SECOND WHERE user_id = ?", [userId]);

    const answers = await Promise.all([refresh(a, refreshToken), refresh(b, refreshToken)]);

    expect(answers.map((answer) => answer.status)).toEqual([401, 401]);
    expect(await sessionCount(userId)).toBe(0);
  });

  it("keeps only hashes and the salt in the session row, none of them a token", async () => {
    const [a] = await stage({ REFRESH_TOKEN_REUSE_INTERVAL: "30" });
    const { userId, refreshToken } = await signIn(a);
    const successor = (await refresh(a, refreshToken)).body.refreshToken!;

    const [row] = await query<Record<string, unknown>>("SELECT * FROM sessions WHERE user_id = ?", [userId]);
    const stored = JSON.stringify(row);
    for (const token of [refreshToken, successor]) expect(stored).not.toContain(token.split(".")[1]);
  });
});

describe("refresh without rotation (REFRESH_TOKEN_ROTATION=keep)", () => {
  it("answers the same refresh token to refreshes with it, also racing ones", async () => {
    const [a, b] = await stage({ REFRESH_TOKEN_ROTATION: "keep" });
    const { userId, refreshToken } = await signIn(a);

    const answers = await Promise.all([refresh(a, refreshToken), refreshtoken(b, { refreshToken })]);
    const again = await refreshtoken(a, { refreshToken });

    expect([...answers, again].map((answer) => [answer.status, answer.body.refreshToken])).toEqual([
      [200, refreshToken],
      [200, refreshToken],
      [200, refreshToken],
    ]);
    expect(await sessionCount(userId)).toBe(1);
  });

  it("still ends the session at signout", async () => {
    const [a] = await stage({ REFRESH_TOKEN_ROTATION: "keep" });
    const { refreshToken } = await signIn(a);

    expect((await call(a.signout, { refreshToken }, "/api/auth/signout")).status).toBe(204);

    expect((await refresh(a, refreshToken)).status).toBe(401);
    expect((await refreshtoken(a, { refreshToken })).status).toBe(403);
  });

  it("still ends the session when every session of the user is ended (password change, an admin)", async () => {
    const [a] = await stage({ REFRESH_TOKEN_ROTATION: "keep" });
    const { userId, refreshToken } = await signIn(a);

    expect(await a.endAllSessions(userId)).toBe(1);

    expect((await refresh(a, refreshToken)).status).toBe(401);
  });
});
