import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as changePasswordHandler } from "../../functions/change-password.ts";
import { handler as resetHandler } from "../../functions/reset-password.ts";
import { handler as signinHandler } from "../../functions/signin.ts";
import { INVALID_ACCOUNT_TOKEN } from "../../lib/accounts/errors.ts";
import { issueAccountToken } from "../../lib/accounts/tokens.ts";
import { newAccountToken } from "../../lib/auth/account-tokens.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import {
  callerContext,
  invoke,
  lockoutFailures,
  newUser,
  storedAccount,
  type Answer,
  type Handler,
  type TestUser,
} from "../support/account-fixtures.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { query } from "../support/db-query.ts";
import { urlForLockWaits, waitForLockWaits } from "../support/lock-waits.ts";

// POST /api/auth/password/reset through its handler, against the real database: what a spent
// token changes, that every refused token changes nothing, and the races with itself, signin and
// a password change, each racer on its own connection (another Lambda container).

interface Container {
  reset: Handler;
  signin: Handler;
  changePassword: Handler;
}

function newContainer(): Promise<Container> {
  return newContainerWith(async () => ({
    reset: (await import("../../functions/reset-password.ts")).handler,
    signin: (await import("../../functions/signin.ts")).handler,
    changePassword: (await import("../../functions/change-password.ts")).handler,
  }));
}

const HOUR = 60 * 60;
const NEW_PASSWORD = "a-new-password-from-the-link";
const INVALID_TOKEN_ANSWER = {
  status: 400,
  body: { message: INVALID_ACCOUNT_TOKEN, errors: [{ field: "token", message: "is invalid, expired or already used" }] },
};

const savedUrl = process.env.DATABASE_URL;
let a: Container;
let b: Container;

beforeAll(async () => {
  // The racers wait on each other's row locks; the routes' 1.5 s socket timeout is not the point.
  process.env.DATABASE_URL = urlForLockWaits(savedUrl!);
  [a, b] = [await newContainer(), await newContainer()];
});

afterAll(async () => {
  await Promise.all([closeContainers(), disconnectPrisma()]);
  process.env.DATABASE_URL = savedUrl;
});

function resetToken(user: TestUser, now?: Date): Promise<string> {
  return issueAccountToken(user.id, "reset", user.email, HOUR, now);
}

function reset(token: string, newPassword = NEW_PASSWORD, handler: Handler = resetHandler): Promise<Answer> {
  return invoke(handler, { path: "/api/auth/password/reset", body: { token, newPassword } });
}

function signin(user: TestUser, password: string, handler: Handler = signinHandler): Promise<Answer> {
  return invoke(handler, { path: "/api/auth/signin", body: { username: user.username, password } });
}

function changePassword(user: TestUser, newPassword: string, handler: Handler = changePasswordHandler): Promise<Answer> {
  return invoke(handler, {
    path: "/api/auth/password",
    body: { currentPassword: user.password, newPassword },
    authorizer: callerContext(user),
  });
}

/** `work` started after `ms` milliseconds: staggers racers so that either can reach the database first. */
async function after<T>(ms: number, work: () => Promise<T>): Promise<T> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return work();
}

/**
 * Round `round`'s head start, in ms, of the first racer over the second (negative: the second's):
 * 0, -4, 4, -8, 8, … Started at once, a reset beats a signin or a change to the database every
 * time here; the head starts let each order happen.
 */
function headStart(round: number): number {
  return ((round + 1) >> 1) * 4 * (round % 2 === 0 ? 1 : -1);
}

/** Two racers started together, one of them `lead` ms later than the other. */
function race<A, B>(lead: number, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  return Promise.all([after(Math.max(0, -lead), first), after(Math.max(0, lead), second)]);
}

/** Which of `passwords` sign in now (200), in order. */
async function passwordsThatSignIn(user: TestUser, passwords: string[]): Promise<string[]> {
  const working: string[] = [];
  for (const password of passwords) if ((await signin(user, password)).status === 200) working.push(password);
  return working;
}

describe("a password reset with a live token", () => {
  it("sets the password, ends every session, lifts the lockout, verifies the address and spends the token", async () => {
    // Prepare: two sessions, and a username locked by 5 wrong passwords.
    const user = await newUser("reset_ok");
    for (let i = 0; i < 2; i++) expect((await signin(user, user.password)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signin(user, "a-wrong-password")).status).toBe(401);
    expect(await lockoutFailures(user.username)).toBe(5);
    const token = await resetToken(user);

    // Act
    const answer = await reset(token);

    // Assess
    expect(answer).toEqual({ status: 204, body: {} });
    expect(await storedAccount(user.id)).toMatchObject({ sessions: 0, emailVerified: true, tokens: {} });
    expect(await lockoutFailures(user.username)).toBeUndefined();
    expect(await passwordsThatSignIn(user, [user.password, NEW_PASSWORD])).toEqual([NEW_PASSWORD]);
  });

  it("voids the account's other reset links with it", async () => {
    // Prepare: an older link superseded by the newer one is already dead; a stray second live
    // row (as two senders could once leave) must die with the spent one.
    const user = await newUser("reset_others");
    const token = await resetToken(user);
    const { hash } = newAccountToken();
    await query(
      "INSERT INTO account_tokens (token_hash, user_id, purpose, address, expires_at) VALUES (?, ?, 'reset', ?, UTC_TIMESTAMP(3) + INTERVAL 1 HOUR)",
      [hash, user.id, user.email],
    );

    // Act
    const answer = await reset(token);

    // Assess
    expect(answer.status).toBe(204);
    expect((await storedAccount(user.id)).tokens).toEqual({});
  });
});

describe("a refused reset token", () => {
  const cases: [string, (user: TestUser) => Promise<string>][] = [
    ["an unknown", async () => newAccountToken().token],
    ["a malformed", async () => "not-a-token"],
    ["an expired", (user) => resetToken(user, new Date(Date.now() - HOUR * 1000 - 1000))],
    [
      "a spent",
      async (user) => {
        const token = await resetToken(user);
        expect((await reset(token, "the-first-new-password")).status).toBe(204);
        return token;
      },
    ],
    [
      "a superseded",
      async (user) => {
        const older = await resetToken(user);
        await resetToken(user);
        return older;
      },
    ],
    ["a verification", (user) => issueAccountToken(user.id, "verify", user.email, HOUR)],
    ["an email-change", (user) => issueAccountToken(user.id, "change", `new-${user.email}`, HOUR)],
    [
      "an old address's",
      async (user) => {
        const token = await resetToken(user);
        await query("UPDATE users SET email = ? WHERE id = ?", [`moved-${user.email}`, user.id]);
        return token;
      },
    ],
  ];

  it.each(cases)("is refused when it is %s token, with the one 400 and nothing changed", async (_kind, tokenFor) => {
    // Prepare
    const user = await newUser("reset_refused");
    expect((await signin(user, user.password)).status).toBe(200);
    const token = await tokenFor(user);
    const before = await storedAccount(user.id);

    // Act
    const answer = await reset(token);

    // Assess
    expect(answer).toEqual(INVALID_TOKEN_ANSWER);
    expect(await storedAccount(user.id)).toEqual(before);
  });
});

describe("a new password that breaks the rules", () => {
  it.each([
    ["is too short", "short"],
    ["is over 72 bytes", "é".repeat(37)],
    ["holds a control character", "a-new-pass\u0007word"],
  ])("is a 400 on newPassword when it %s, and the token stays live", async (_rule, newPassword) => {
    // Prepare
    const user = await newUser("reset_rules");
    const token = await resetToken(user);
    const before = await storedAccount(user.id);

    // Act
    const answer = await reset(token, newPassword);

    // Assess: refused, nothing spent; the same link then works with a good password.
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.field).toBe("newPassword");
    expect(await storedAccount(user.id)).toEqual(before);
    expect((await reset(token)).status).toBe(204);
  });
});

describe("a password change", () => {
  it("voids the reset links mailed before it", async () => {
    // Prepare
    const user = await newUser("reset_changed");
    const token = await resetToken(user);

    // Act
    const changed = await changePassword(user, "a-password-changed-in-the-app");
    const answer = await reset(token);

    // Assess
    expect(changed.status).toBe(204);
    expect(answer).toEqual(INVALID_TOKEN_ANSWER);
    expect(await passwordsThatSignIn(user, [user.password, "a-password-changed-in-the-app", NEW_PASSWORD])).toEqual(["a-password-changed-in-the-app"]);
  });
});

describe("racing resets", () => {
  it("spend one token once: one 204, one 400, and the password is the winner's", async () => {
    // Prepare: a third connection holds the user's row, so both resets have found the token
    // live and hashed their password before either can spend it.
    const user = await newUser("reset_race");
    const token = await resetToken(user);
    const holder = await mysql.createConnection(parseDatabaseUrl(process.env.DATABASE_URL!));
    await holder.beginTransaction();
    await holder.query("SELECT id FROM users WHERE id = ? FOR UPDATE", [user.id]);

    // Act
    const racing = Promise.all([reset(token, "password-of-racer-a", a.reset), reset(token, "password-of-racer-b", b.reset)]);
    await waitForLockWaits(holder, 2);
    await holder.commit();
    await holder.end();
    const [first, second] = await racing;

    // Assess
    expect([first.status, second.status].sort()).toEqual([204, 400]);
    expect((first.status === 400 ? first : second).body.message).toBe(INVALID_ACCOUNT_TOKEN);
    const winner = first.status === 204 ? "password-of-racer-a" : "password-of-racer-b";
    expect(await passwordsThatSignIn(user, [user.password, "password-of-racer-a", "password-of-racer-b"])).toEqual([winner]);
  });
});

describe("a reset racing a signin with the old password", () => {
  it("leaves the old password signed out for good and the new one working, in 16 races", async () => {
    for (let round = 0; round < 16; round++) {
      // Prepare
      const user = await newUser("reset_signin");
      const token = await resetToken(user);

      // Act
      const [resetAnswer, signinAnswer] = await race(
        headStart(round),
        () => reset(token, NEW_PASSWORD, a.reset),
        () => signin(user, user.password, b.signin),
      );

      // Assess: the signin won or lost, but no session opened with the old password survives.
      expect(resetAnswer.status).toBe(204);
      expect([200, 401]).toContain(signinAnswer.status);
      expect((await storedAccount(user.id)).sessions).toBe(0);
      expect(await passwordsThatSignIn(user, [user.password, NEW_PASSWORD])).toEqual([NEW_PASSWORD]);
    }
  });
});

describe("a reset racing a password change", () => {
  it("lets exactly one of the two passwords win and leaves the reset token dead, in 16 races", async () => {
    for (let round = 0; round < 16; round++) {
      // Prepare
      const user = await newUser("reset_change");
      const token = await resetToken(user);

      // Act
      const [resetAnswer, changeAnswer] = await race(
        headStart(round),
        () => reset(token, NEW_PASSWORD, a.reset),
        () => changePassword(user, "a-password-changed-in-the-app", b.changePassword),
      );

      // Assess: either the reset won (the change then found its current password replaced, a
      // 401) or the change did (it voided the link, a 400); never a 5xx.
      const statuses = `reset ${resetAnswer.status}, change ${changeAnswer.status}`;
      expect(["reset 204, change 401", "reset 400, change 204"]).toContain(statuses);
      const winner = resetAnswer.status === 204 ? NEW_PASSWORD : "a-password-changed-in-the-app";
      expect(await passwordsThatSignIn(user, [user.password, NEW_PASSWORD, "a-password-changed-in-the-app"])).toEqual([winner]);
      expect((await storedAccount(user.id)).tokens).toEqual({});
      expect(await reset(token, "yet-another-password")).toEqual(INVALID_TOKEN_ANSWER);
    }
  });
});
