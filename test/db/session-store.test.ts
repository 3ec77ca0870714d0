import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashRefreshToken } from "../../lib/auth/refresh-tokens.ts";
import { query } from "../support/db-query.ts";

// The refresh-token store against the real database. Races run on two module instances, each
// with its own Prisma client and so its own connection: two containers refreshing at once.

type Store = typeof import("../../lib/sessions/store.ts");
type Refresh = typeof import("../../lib/sessions/refresh.ts");
interface Container {
  store: Store;
  refreshSession: Refresh["refreshSession"];
  disconnect(): Promise<void>;
}

const containers: Container[] = [];

async function newContainer(): Promise<Container> {
  vi.resetModules();
  const store = await import("../../lib/sessions/store.ts");
  const { refreshSession } = await import("../../lib/sessions/refresh.ts");
  const { disconnectPrisma } = await import("../../lib/db/client.ts");
  const container = { store, refreshSession, disconnect: disconnectPrisma };
  containers.push(container);
  return container;
}

let a: Container;
let b: Container;
const DAY = 24 * 60 * 60;

async function newUser(): Promise<number> {
  const name = `store_${Math.random().toString(36).slice(2, 10)}`;
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, 'x', NOW(3))", [name, `${name}@example.com`]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [name]);
  await query("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE name = 'user'", [row!.id]);
  return row!.id;
}

async function rowCount(userId: number): Promise<number> {
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", [userId]);
  return Number(row!.n);
}

beforeAll(async () => {
  a = await newContainer();
  b = await newContainer();
});

afterAll(async () => {
  await Promise.all(containers.map((container) => container.disconnect()));
});

describe("refresh-token store", () => {
  it("opens a session holding only the token's hash, with an absolute expiry", async () => {
    const userId = await newUser();
    const now = new Date("2030-01-01T00:00:00Z");
    const opened = await a.store.openSession(userId, 30 * DAY, now);
    expect(opened.expiresAt.toISOString()).toBe("2030-01-31T00:00:00.000Z");
    const [row] = await query<{ token_hash: string }>("SELECT token_hash FROM sessions WHERE user_id = ?", [userId]);
    expect(row!.token_hash).toBe(hashRefreshToken(opened.refreshToken));
  });

  it("finds the current token, and ends the session when a spent one comes back", async () => {
    const userId = await newUser();
    const { refreshToken } = await a.store.openSession(userId, DAY);
    const found = await a.store.lookUpRefreshToken(refreshToken);
    expect(found.status).toBe("current");
    const next = await a.store.rotateRefreshToken(found as Extract<typeof found, { status: "current" }>);
    expect(next).toMatch(/^[0-9a-f]{32}\./);

    expect(await a.store.lookUpRefreshToken(refreshToken)).toEqual({ status: "reused", userId, sessionId: refreshToken.split(".")[0] });
    expect(await rowCount(userId)).toBe(0);
    expect((await a.store.lookUpRefreshToken(next!)).status).toBe("unknown");
  });

  it("of two rotations of the same token on two connections, exactly one wins; the loser ends the session", async () => {
    // Prepare: both containers have looked the token up and found it current.
    const userId = await newUser();
    const { refreshToken } = await a.store.openSession(userId, DAY);
    const [foundByA, foundByB] = await Promise.all([a.store.lookUpRefreshToken(refreshToken), b.store.lookUpRefreshToken(refreshToken)]);
    expect([foundByA.status, foundByB.status]).toEqual(["current", "current"]);
    // Act: both spend it at once.
    const results = await Promise.all([
      a.store.rotateRefreshToken(foundByA as Extract<typeof foundByA, { status: "current" }>),
      b.store.rotateRefreshToken(foundByB as Extract<typeof foundByB, { status: "current" }>),
    ]);
    // Assess
    expect(results.filter((token) => token !== undefined)).toHaveLength(1);
    expect(await rowCount(userId)).toBe(0);
  });

  it("lets exactly one of two whole refreshes racing on two connections succeed, every round", async () => {
    for (let round = 0; round < 5; round++) {
      const userId = await newUser();
      const { refreshToken } = await a.store.openSession(userId, DAY);
      const outcomes = await Promise.allSettled([a.refreshSession(refreshToken), b.refreshSession(refreshToken)]);
      expect(outcomes.filter(({ status }) => status === "fulfilled")).toHaveLength(1);
      const [refused] = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
      expect(refused!.reason).toMatchObject({ statusCode: 401, message: "Invalid or expired refresh token" });
    }
  });

  it("calls a session expired at its absolute expiry, and deletes its row", async () => {
    const userId = await newUser();
    const opened = await a.store.openSession(userId, DAY);
    expect((await a.store.lookUpRefreshToken(opened.refreshToken, new Date(opened.expiresAt.getTime() - 1))).status).toBe("current");
    expect((await a.store.lookUpRefreshToken(opened.refreshToken, opened.expiresAt)).status).toBe("expired");
    expect(await rowCount(userId)).toBe(0);
  });

  it("ends one session by any token of it, or all of a user's", async () => {
    const userId = await newUser();
    const first = await a.store.openSession(userId, DAY);
    await a.store.openSession(userId, DAY);
    await a.store.openSession(userId, DAY);
    await a.store.endSessionOf(first.refreshToken);
    expect(await rowCount(userId)).toBe(2);
    await a.store.endSessionOf("not a token");
    expect(await rowCount(userId)).toBe(2);
    expect(await a.store.endAllSessions(userId)).toBe(2);
    expect(await rowCount(userId)).toBe(0);
  });

  it("prunes expired sessions and leaves live ones", async () => {
    const userId = await newUser();
    const now = new Date();
    await a.store.openSession(userId, 60 * 60, new Date(now.getTime() - 2 * 60 * 60 * 1000)); // expired an hour ago
    const live = await a.store.openSession(userId, DAY, now);
    expect(await a.store.pruneExpiredSessions(now)).toBeGreaterThanOrEqual(1);
    expect(await rowCount(userId)).toBe(1);
    expect((await a.store.lookUpRefreshToken(live.refreshToken, now)).status).toBe("current");
  });

  it("replaces a password and ends every session in one go", async () => {
    const userId = await newUser();
    await a.store.openSession(userId, DAY);
    await a.store.openSession(userId, DAY);
    expect(await a.store.replacePasswordEndingSessions(userId, "$2b$04$new")).toBe(true);
    expect(await rowCount(userId)).toBe(0);
    const [row] = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = ?", [userId]);
    expect(row!.password_hash).toBe("$2b$04$new");
    expect(await a.store.replacePasswordEndingSessions(2 ** 31 - 1, "$2b$04$x")).toBe(false);
  });
});
