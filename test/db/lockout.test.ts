import bcrypt from "bcryptjs";
import mysql from "mysql2/promise";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler as signinHandler } from "../../functions/signin.ts";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { TooManyRequestsError, UnauthorizedError } from "../../lib/errors.ts";
import { pruneForgottenLockouts } from "../../lib/sessions/lockout.ts";
import { changePassword } from "../../lib/sessions/change-password.ts";
import { signIn } from "../../lib/sessions/signin.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { query } from "../support/db-query.ts";
import { uniqueName } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";
import { waitForLockWaits } from "../support/lock-waits.ts";

// The brute-force lockout against the real database, with `now` in the tests' hands. Each test
// has usernames of its own, so its counts are its own.

type Lockout = typeof import("../../lib/sessions/lockout.ts");
interface Container {
  lockout: Lockout;
  signin: typeof import("../../lib/sessions/signin.ts");
}

/** A fresh module instance with its own Prisma client and connection: another Lambda container. */
function newContainer(): Promise<Container> {
  return newContainerWith(async () => ({
    lockout: await import("../../lib/sessions/lockout.ts"),
    signin: await import("../../lib/sessions/signin.ts"),
  }));
}

const T0 = new Date("2030-01-01T00:00:00.000Z");
const WRONG = "not-the-password";
const MINUTE = 60_000;

function at(start: Date, ms: number): Date {
  return new Date(start.getTime() + ms);
}

interface TestUser {
  id: number;
  username: string;
  password: string;
}

async function newUser(prefix = "lock"): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = `pw-${username}`;
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
    username,
    `${username}@example.com`,
    await hashPassword(password),
  ]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [username]);
  return { id: row!.id, username, password };
}

/** What an attempt came to: "ok", "refused" (401) or "locked N s" (429). */
async function outcome(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return "ok";
  } catch (error) {
    // By name: a container's errors are instances of its own module's classes.
    if (error instanceof Error && error.name === TooManyRequestsError.name) return `locked ${(error as TooManyRequestsError).retryAfterSeconds} s`;
    if (error instanceof Error && error.name === UnauthorizedError.name) return "refused";
    throw error;
  }
}

async function lockError(attempt: Promise<unknown>): Promise<TooManyRequestsError> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof TooManyRequestsError)) throw new Error(`expected a 429, got ${String(error)}`);
  return error;
}

function failSignIn(username: string, now: Date): Promise<string> {
  return outcome(signIn({ username, password: WRONG }, now));
}

/** `count` failed signins, each at `start` or, if later, when the username's lock ends; returns the last one's time. */
async function failInARow(username: string, count: number, start: Date): Promise<Date> {
  let now = start;
  for (let failure = 1; failure <= count; failure++) {
    const until = await lockedUntil(username);
    if (until && until > now) now = until;
    expect(await failSignIn(username, now)).toBe("refused");
  }
  return now;
}

async function storedLockout(username: string): Promise<{ username: string; failures: number; locked_until: string } | undefined> {
  const [row] = await query<{ username: string; failures: number; locked_until: string }>(
    "SELECT username, failures, CAST(locked_until AS CHAR) AS locked_until FROM password_lockouts WHERE username = ?",
    [username],
  );
  return row;
}

async function lockedUntil(username: string): Promise<Date | undefined> {
  const row = await storedLockout(username);
  return row && new Date(`${row.locked_until.replace(" ", "T")}Z`);
}

async function sessionCount(userId: number): Promise<number> {
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", [userId]);
  return Number(row!.n);
}

let a: Container;
let b: Container;

beforeAll(async () => {
  a = await newContainer();
  b = await newContainer();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all([disconnectPrisma(), closeContainers()]);
});

describe("brute-force lockout", () => {
  it("locks after the 5th failure for 1 s, doubling with each failure after a lock, capped at 900 s; locked attempts are not counted", async () => {
    const { username } = await newUser();
    let now = T0;
    for (let failure = 1; failure <= 4; failure++) expect(await failSignIn(username, now)).toBe("refused");

    const locks: string[] = [];
    for (let failure = 5; failure <= 16; failure++) {
      expect(await failSignIn(username, now)).toBe("refused");
      const lock = await failSignIn(username, now);
      locks.push(lock);
      const seconds = Number(/^locked (\d+) s$/.exec(lock)?.[1]);
      expect(await failSignIn(username, at(now, seconds * 1000 - 1))).toBe("locked 1 s");
      now = at(now, seconds * 1000);
    }

    expect(locks).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900].map((seconds) => `locked ${seconds} s`));
    // 16 failures counted; the 24 attempts refused by a lock were not.
    expect((await storedLockout(username))?.failures).toBe(16);
  });

  it("says how long to wait in words, in seconds under a minute and in whole minutes (rounded up) above", async () => {
    const { username } = await newUser();
    const messages: string[] = [];
    for (const failures of [5, 8, 14, 15]) {
      const last = await failInARow(username, failures - ((await storedLockout(username))?.failures ?? 0), T0);
      messages.push((await lockError(signIn({ username, password: WRONG }, last))).message);
    }
    expect(messages).toEqual([
      "Too many failed attempts. Try again in 1 second.",
      "Too many failed attempts. Try again in 8 seconds.",
      "Too many failed attempts. Try again in 9 minutes.",
      "Too many failed attempts. Try again in 15 minutes.",
    ]);
  });

  it("refuses the right password while locked, without running bcrypt or opening a session, and accepts it once the lock ends", async () => {
    const user = await newUser();
    await failInARow(user.username, 5, T0);
    const compare = vi.spyOn(bcrypt, "compare");

    expect(await outcome(signIn({ username: user.username, password: user.password }, at(T0, 999)))).toBe("locked 1 s");
    expect(compare).not.toHaveBeenCalled();
    expect(await sessionCount(user.id)).toBe(0);

    expect(await outcome(signIn({ username: user.username, password: user.password }, at(T0, 1000)))).toBe("ok");
    expect(await sessionCount(user.id)).toBe(1);
    expect(await storedLockout(user.username)).toBeUndefined();
  });

  it("forgets the failures on a success: the count starts again from zero", async () => {
    const user = await newUser();
    for (let failure = 1; failure <= 3; failure++) expect(await failSignIn(user.username, T0)).toBe("refused");
    expect(await outcome(signIn({ username: user.username, password: user.password }, T0))).toBe("ok");
    for (let failure = 1; failure <= 4; failure++) expect(await failSignIn(user.username, T0)).toBe("refused");

    // 3 + 4 failures would have locked; 4 since the success do not.
    expect(await outcome(signIn({ username: user.username, password: user.password }, T0))).toBe("ok");
  });

  it("does not lock an attempt below 5 failures that began before another one's failure was counted", async () => {
    // Attempts reach the database out of the order of their clocks: under load, bcrypt and queues
    // let a later attempt's failure be counted first (two correct signins at once met this).
    const user = await newUser();
    expect(await failSignIn(user.username, at(T0, 50))).toBe("refused");
    expect(await outcome(signIn({ username: user.username, password: user.password }, T0))).toBe("ok");
    expect(await failSignIn(user.username, at(T0, 50))).toBe("refused");
    expect(await failSignIn(user.username, at(T0, 20))).toBe("refused");
    expect(await storedLockout(user.username)).toMatchObject({ failures: 2 });
  });

  it("throttles an unknown username exactly like a known one: the same 429, and no bcrypt for either", async () => {
    const known = await newUser();
    const unknown = uniqueName("ghost");
    const answers: string[] = [];
    for (let failure = 1; failure <= 5; failure++) {
      answers.push(await failSignIn(known.username, T0), await failSignIn(unknown, T0));
    }
    expect(answers).toEqual(Array(10).fill("refused"));
    const compare = vi.spyOn(bcrypt, "compare");

    const [forKnown, forUnknown] = [
      await lockError(signIn({ username: known.username, password: known.password }, at(T0, 200))),
      await lockError(signIn({ username: unknown, password: WRONG }, at(T0, 200))),
    ];

    const shape = (error: TooManyRequestsError) => ({
      name: error.name,
      statusCode: error.statusCode,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    });
    expect(shape(forUnknown)).toEqual(shape(forKnown));
    expect(shape(forKnown)).toEqual({
      name: "TooManyRequestsError",
      statusCode: 429,
      message: "Too many failed attempts. Try again in 1 second.",
      retryAfterSeconds: 1,
    });
    expect(compare).not.toHaveBeenCalled();
  });

  it("counts a username in any case under one lower-cased key, with times stored in UTC", async () => {
    const username = uniqueName("Alice");
    for (const spelling of [username, username, username.toLowerCase(), username.toUpperCase()]) {
      expect(await failSignIn(spelling, T0)).toBe("refused");
    }
    expect(await storedLockout(username)).toEqual({ username: username.toLowerCase(), failures: 4, locked_until: "2030-01-01 00:00:00.000" });

    expect(await failSignIn(username.toLowerCase(), T0)).toBe("refused");
    expect(await failSignIn(username, T0)).toBe("locked 1 s");
  });

  it("forgets failures 15 minutes after the last one (below the lock), or after the lock's end, with no new failure", async () => {
    // Below the lock: 15 minutes after the 4th failure, the next one counts as the first again.
    const [kept, forgotten] = [uniqueName("kept"), uniqueName("forgotten")];
    for (const username of [kept, forgotten]) {
      for (let failure = 1; failure <= 4; failure++) expect(await failSignIn(username, T0)).toBe("refused");
    }
    expect(await failSignIn(kept, at(T0, 15 * MINUTE - 1))).toBe("refused");
    expect(await failSignIn(forgotten, at(T0, 15 * MINUTE))).toBe("refused");
    expect((await storedLockout(kept))?.failures).toBe(5);
    expect((await storedLockout(forgotten))?.failures).toBe(1);

    // After a lock: the 15 minutes start when the lock ends (T0 + 1 s), so waiting out a lock
    // does not wipe the count with it.
    const [keptAfterLock, forgottenAfterLock] = [uniqueName("kept"), uniqueName("forgotten")];
    for (const username of [keptAfterLock, forgottenAfterLock]) await failInARow(username, 5, T0);
    expect(await failSignIn(keptAfterLock, at(T0, 1000 + 15 * MINUTE - 1))).toBe("refused");
    expect(await failSignIn(forgottenAfterLock, at(T0, 1000 + 15 * MINUTE))).toBe("refused");
    expect((await storedLockout(keptAfterLock))?.failures).toBe(6);
    expect((await storedLockout(forgottenAfterLock))?.failures).toBe(1);
  });

  it("counts failed password changes under the caller's stored username, sharing signin's count", async () => {
    const user = await newUser();
    // The token's name is not the key: the account's stored name is.
    const caller = { userId: user.id, username: "stale_token_name", roles: ["user" as const] };
    const change = (currentPassword: string, now: Date) =>
      outcome(changePassword(caller, { currentPassword, newPassword: "a-brand-new-password" }, now));

    const answers = [
      await failSignIn(user.username, T0),
      await failSignIn(user.username, T0),
      await failSignIn(user.username, T0),
      await change(WRONG, T0),
      await change(WRONG, T0),
      await change(user.password, T0),
      await outcome(signIn({ username: user.username, password: user.password }, T0)),
    ];

    expect(answers).toEqual(["refused", "refused", "refused", "refused", "refused", "locked 1 s", "locked 1 s"]);
    expect(await change(user.password, at(T0, 1000))).toBe("ok");
    expect(await storedLockout(user.username)).toBeUndefined();
  });

  it("checks at most 5 of 12 wrong passwords sent at once on two connections, and refuses the other 7 with a 429", async () => {
    // Prepare: another connection holds the username's row, uncommitted, so that all 12 attempts
    // have passed the lock-free read and wait to be counted together.
    const username = uniqueName("race");
    const holder = await mysql.createConnection(parseDatabaseUrl(process.env.DATABASE_URL!));
    await holder.beginTransaction();
    await holder.query("INSERT INTO password_lockouts (username, failures, locked_until) VALUES (?, 0, ?)", [username, "2030-01-01 00:00:00"]);
    const compare = vi.spyOn(bcrypt, "compare");

    // Act
    const attempts = Promise.all(
      Array.from({ length: 12 }, (_, i) => outcome((i % 2 === 0 ? a : b).signin.signIn({ username, password: WRONG }, T0))),
    );
    await waitForLockWaits(holder, 2);
    await holder.commit();
    await holder.end();
    const answers = await attempts;

    // Assess: the 5th count locked for 1 s at once; bcrypt ran for the 5 counted alone.
    expect(answers.filter((answer) => answer === "refused")).toHaveLength(5);
    expect(answers.filter((answer) => answer !== "refused")).toEqual(Array(7).fill("locked 1 s"));
    expect(compare).toHaveBeenCalledTimes(5);
    expect(await storedLockout(username)).toMatchObject({ failures: 5, locked_until: "2030-01-01 00:00:01.000" });
  });

  it("lets a success forget the failures counted up to its own check, and keep those counted after it", async () => {
    const username = uniqueName("raced");
    for (let failure = 1; failure <= 2; failure++) expect(await failSignIn(username, T0)).toBe("refused");
    // The right password's attempt is the 3rd counted; two wrong ones are counted while its
    // bcrypt runs, the second of them locking.
    const right = await a.lockout.beginPasswordAttempt(username, T0);
    for (const container of [a, b]) await container.lockout.beginPasswordAttempt(username, T0);
    expect(await storedLockout(username)).toMatchObject({ failures: 5, locked_until: "2030-01-01 00:00:01.000" });

    await right.succeeded();

    // 5 − 3: the two that raced it stay counted, unlocked (below 5).
    expect(await storedLockout(username)).toMatchObject({ failures: 2, locked_until: "2030-01-01 00:00:00.000" });
    for (let failure = 3; failure <= 5; failure++) expect(await failSignIn(username, T0)).toBe("refused");
    expect(await failSignIn(username, T0)).toBe("locked 1 s");
  });

  it("lets a success that the 5th count locked unlock the username", async () => {
    const username = uniqueName("unlock");
    for (let failure = 1; failure <= 4; failure++) expect(await failSignIn(username, T0)).toBe("refused");
    const right = await a.lockout.beginPasswordAttempt(username, T0);
    expect(await failSignIn(username, T0)).toBe("locked 1 s");

    await right.succeeded();

    expect(await storedLockout(username)).toBeUndefined();
    expect(await failSignIn(username, T0)).toBe("refused");
  });

  it("prunes the rows whose failures are forgotten, and keeps the rest", async () => {
    const now = at(T0, 60 * MINUTE);
    const [forgotten, recent, locked] = [uniqueName("old"), uniqueName("recent"), uniqueName("locked")];
    expect(await failSignIn(forgotten, at(now, -15 * MINUTE))).toBe("refused");
    expect(await failSignIn(recent, at(now, -15 * MINUTE + 1))).toBe("refused");
    await failInARow(locked, 5, now);

    expect(await pruneForgottenLockouts(now)).toBeGreaterThanOrEqual(1);

    expect(await storedLockout(forgotten)).toBeUndefined();
    expect(await storedLockout(recent)).toBeDefined();
    expect(await storedLockout(locked)).toBeDefined();
  });

  it("answers a locked signin through the handler with a JSON 429 saying how long to wait", async () => {
    const username = uniqueName("handler");
    // Locked for 10 minutes from now on the real clock, which the handler uses.
    const until = new Date(Date.now() + 10 * MINUTE);
    await query("INSERT INTO password_lockouts (username, failures, locked_until) VALUES (?, 9, ?)", [
      username,
      until.toISOString().replace("T", " ").replace("Z", ""),
    ]);

    const answer = await signinHandler(httpEvent({ body: { username, password: WRONG } }) as never, lambdaContext());

    expect(answer.statusCode).toBe(429);
    expect(JSON.parse(answer.body)).toEqual({ message: "Too many failed attempts. Try again in 10 minutes." });
  });
});
