import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRefreshToken } from "../../lib/auth/refresh-tokens.ts";
import type { OpenedSession, SessionLookup } from "../../lib/sessions/store.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { query } from "../support/db-query.ts";

// The refresh-token store against the real database. Races run on two module instances, each
// with its own Prisma client and so its own connection: two containers at once.

type Store = typeof import("../../lib/sessions/store.ts");
interface Container {
  store: Store;
}

function newContainer(): Promise<Container> {
  return newContainerWith(async () => ({ store: await import("../../lib/sessions/store.ts") }));
}

let a: Container;
let b: Container;
const DAY = 24 * 60 * 60;
const HASH = "$2b$04$stored-hash";

async function newUser(): Promise<number> {
  const name = `store_${Math.random().toString(36).slice(2, 10)}`;
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [name, `${name}@example.com`, HASH]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [name]);
  return row!.id;
}

async function open(userId: number, lifetime = DAY, now = new Date()): Promise<OpenedSession> {
  const opened = await a.store.openSession(userId, HASH, lifetime, now);
  if (!opened) throw new Error("no session opened");
  return opened;
}

function current(found: SessionLookup): Extract<SessionLookup, { status: "current" }> {
  if (found.status !== "current") throw new Error(`expected a current token, got ${found.status}`);
  return found;
}

async function rowCount(userId: number): Promise<number> {
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", [userId]);
  return Number(row!.n);
}

beforeAll(async () => {
  a = await newContainer();
  b = await newContainer();
});

afterAll(closeContainers);

describe("refresh-token store", () => {
  it("opens a session holding only the token's hash, with an absolute expiry", async () => {
    const userId = await newUser();
    const opened = await open(userId, 30 * DAY, new Date("2030-01-01T00:00:00Z"));
    expect(opened.expiresAt.toISOString()).toBe("2030-01-31T00:00:00.000Z");
    const [row] = await query<{ token_hash: string }>("SELECT token_hash FROM sessions WHERE user_id = ?", [userId]);
    expect(row!.token_hash).toBe(hashRefreshToken(opened.refreshToken));
  });

  it("opens no session when the checked password hash is no longer stored (changed while bcrypt ran)", async () => {
    const userId = await newUser();
    expect(await a.store.replacePasswordEndingSessions(userId, HASH, "$2b$04$new-hash")).toBe(true);
    expect(await a.store.openSession(userId, HASH, DAY)).toBeUndefined();
    expect(await a.store.openSession(2 ** 31 - 1, HASH, DAY)).toBeUndefined();
    expect(await rowCount(userId)).toBe(0);
  });

  it("finds the current token, and ends the session when a spent one comes back", async () => {
    const userId = await newUser();
    const { refreshToken } = await open(userId);
    const rotation = await a.store.rotateRefreshToken(current(await a.store.lookUpRefreshToken(refreshToken)));
    if (rotation.status !== "rotated") throw new Error(rotation.status);

    expect(await a.store.lookUpRefreshToken(refreshToken)).toEqual({ status: "reused", userId });
    expect(await rowCount(userId)).toBe(0);
    expect((await a.store.lookUpRefreshToken(rotation.refreshToken)).status).toBe("unknown");
  });

  it("of two rotations of the same token on two connections, exactly one wins; the loser ends the session", async () => {
    // Prepare: both containers have looked the token up and found it current.
    const userId = await newUser();
    const { refreshToken } = await open(userId);
    const [foundByA, foundByB] = await Promise.all([a.store.lookUpRefreshToken(refreshToken), b.store.lookUpRefreshToken(refreshToken)]);
    // Act: both spend it at once.
    const rotations = await Promise.all([a.store.rotateRefreshToken(current(foundByA)), b.store.rotateRefreshToken(current(foundByB))]);
    // Assess
    expect(rotations.map(({ status }) => status).sort()).toEqual(["reused", "rotated"]);
    expect(await rowCount(userId)).toBe(0);
  });

  it("calls a rotation of an already ended session 'ended', not reuse", async () => {
    const userId = await newUser();
    const { refreshToken } = await open(userId);
    const found = current(await a.store.lookUpRefreshToken(refreshToken));
    await a.store.endSessionOf(refreshToken);
    expect(await a.store.rotateRefreshToken(found)).toEqual({ status: "ended" });
  });

  it("calls a session expired at its absolute expiry, and deletes its row", async () => {
    const userId = await newUser();
    const opened = await open(userId);
    expect((await a.store.lookUpRefreshToken(opened.refreshToken, new Date(opened.expiresAt.getTime() - 1))).status).toBe("current");
    expect((await a.store.lookUpRefreshToken(opened.refreshToken, opened.expiresAt)).status).toBe("expired");
    expect(await rowCount(userId)).toBe(0);
  });

  it("ends one session by any token of it, or all of a user's", async () => {
    const userId = await newUser();
    const first = await open(userId);
    await open(userId);
    await open(userId);
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
    await open(userId, 60 * 60, new Date(now.getTime() - 2 * 60 * 60 * 1000)); // expired an hour ago
    const live = await open(userId, DAY, now);
    expect(await a.store.pruneExpiredSessions(now)).toBeGreaterThanOrEqual(1);
    expect(await rowCount(userId)).toBe(1);
    expect((await a.store.lookUpRefreshToken(live.refreshToken, now)).status).toBe("current");
  });

  it("replaces the checked password and ends every session in one go; a stale check changes nothing", async () => {
    const userId = await newUser();
    await open(userId);
    await open(userId);
    expect(await a.store.replacePasswordEndingSessions(userId, "$2b$04$not-the-stored-one", "$2b$04$x")).toBe(false);
    const [before] = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = ?", [userId]);
    expect(before!.password_hash).toBe(HASH);

    expect(await a.store.replacePasswordEndingSessions(userId, HASH, "$2b$04$new")).toBe(true);
    expect(await rowCount(userId)).toBe(0);
    const [after] = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = ?", [userId]);
    expect(after!.password_hash).toBe("$2b$04$new");
  });
});
