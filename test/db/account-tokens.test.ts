import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_ACCOUNT_TOKEN } from "../../lib/accounts/errors.ts";
import { issueAccountToken } from "../../lib/accounts/tokens.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { newUser, storedAccount } from "../support/account-fixtures.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { urlForLockWaits, waitForLockWaits } from "../support/lock-waits.ts";

// Issuing a token (what the mail sender does) racing the use cases that spend one, on one user,
// each on its own connection as separate Lambda containers would be. Every path that writes a
// user's tokens must lock the user's row before the tokens: a reset or a verification locks the
// row, then deletes its token; an issue that deleted the older tokens first and then met the row
// (its insert's foreign-key check) would wait on the one that waits on it, a deadlock (MariaDB
// error 1213), which the loser's caller would see as a 500.

interface Container {
  tokens: typeof import("../../lib/accounts/tokens.ts");
  reset: typeof import("../../lib/accounts/reset-password.ts");
  verify: typeof import("../../lib/accounts/verify-email.ts");
}

function newContainer(): Promise<Container> {
  return newContainerWith(async () => ({
    tokens: await import("../../lib/accounts/tokens.ts"),
    reset: await import("../../lib/accounts/reset-password.ts"),
    verify: await import("../../lib/accounts/verify-email.ts"),
  }));
}

const HOUR = 60 * 60;
const savedUrl = process.env.DATABASE_URL;
let containers: Container[];

/** "spent" (a 204's work), "issued", "400" (the one refusal of a token), or the error's name and code: a bug. */
async function outcome(work: Promise<unknown>, done: string): Promise<string> {
  try {
    await work;
    return done;
  } catch (error) {
    // By name: a container's errors are instances of its own module's classes.
    if (error instanceof Error && error.name === "ValidationError" && error.message === INVALID_ACCOUNT_TOKEN) return "400";
    const { code } = error as { code?: unknown };
    return [error instanceof Error ? error.name : "thrown", typeof code === "string" ? code : ""].join(" ").trim();
  }
}

function reset(container: Container, token: string, newPassword: string): Promise<string> {
  return outcome(container.reset.resetPassword({ token, newPassword }), "spent");
}

function verify(container: Container, token: string): Promise<string> {
  return outcome(container.verify.verifyEmail({ token }), "spent");
}

function issue(container: Container, userId: number, purpose: "reset" | "verify", address: string): Promise<string> {
  return outcome(container.tokens.issueAccountToken(userId, purpose, address, HOUR), "issued");
}

/** Another connection that holds the user's row, so that racers queue up behind it in a known order. */
async function holdUserRow(userId: number): Promise<mysql.Connection> {
  const holder = await mysql.createConnection(parseDatabaseUrl(process.env.DATABASE_URL!));
  await holder.beginTransaction();
  await holder.query("SELECT id FROM users WHERE id = ? FOR UPDATE", [userId]);
  return holder;
}

async function release(holder: mysql.Connection): Promise<void> {
  await holder.commit();
  await holder.end();
}

beforeAll(async () => {
  // Racers wait on each other's locks here; the 1.5 s socket timeout of the routes is not the point.
  process.env.DATABASE_URL = urlForLockWaits(savedUrl!);
  containers = [];
  for (let i = 0; i < 6; i++) containers.push(await newContainer());
});

afterAll(async () => {
  await Promise.all([closeContainers(), disconnectPrisma()]);
  process.env.DATABASE_URL = savedUrl;
});

describe("issuing an account token while another request spends one", () => {
  it("lets a reset that holds the user's row finish, then issues: no deadlock", async () => {
    // Prepare: the reset queues for the user's row first, the issue second.
    const [a, b] = [containers[0]!, containers[1]!];
    const user = await newUser("issue_reset");
    const token = await issueAccountToken(user.id, "reset", user.email, HOUR);
    const holder = await holdUserRow(user.id);

    // Act
    const resetting = reset(a, token, "a-new-password-from-the-link");
    await waitForLockWaits(holder, 1);
    const issuing = issue(b, user.id, "reset", user.email);
    await waitForLockWaits(holder, 2);
    await release(holder);
    const outcomes = await Promise.all([resetting, issuing]);

    // Assess: the reset spent its token, then the issue stored the one live link.
    expect(outcomes).toEqual(["spent", "issued"]);
    expect((await storedAccount(user.id)).tokens).toEqual({ reset: 1 });
  });

  it("lets a verification that holds the user's row finish, then issues: no deadlock", async () => {
    // Prepare
    const [a, b] = [containers[0]!, containers[1]!];
    const user = await newUser("issue_verify");
    const token = await issueAccountToken(user.id, "verify", user.email, HOUR);
    const holder = await holdUserRow(user.id);

    // Act
    const verifying = verify(a, token);
    await waitForLockWaits(holder, 1);
    const issuing = issue(b, user.id, "verify", user.email);
    await waitForLockWaits(holder, 2);
    await release(holder);
    const outcomes = await Promise.all([verifying, issuing]);

    // Assess
    expect(outcomes).toEqual(["spent", "issued"]);
    expect(await storedAccount(user.id)).toMatchObject({ emailVerified: true, tokens: { verify: 1 } });
  });

  it("issues for two users whose tokens share an index gap at once: no deadlock", async () => {
    // Prepare: two new users, with no token row between theirs in the (user_id, purpose) index.
    // A third connection takes a lock on that gap, so both issues have deleted their older
    // tokens (nothing) before either can insert its new one.
    const [a, b] = [containers[0]!, containers[1]!];
    const [first, second] = [await newUser("issue_gap"), await newUser("issue_gap")];
    const holder = await mysql.createConnection(parseDatabaseUrl(process.env.DATABASE_URL!));
    await holder.beginTransaction();
    await holder.query("SELECT token_hash FROM account_tokens WHERE user_id = ? AND purpose = 'reset' FOR UPDATE", [second.id]);

    // Act
    const issuing = Promise.all([issue(a, first.id, "reset", first.email), issue(b, second.id, "reset", second.email)]);
    await waitForLockWaits(holder, 2);
    await release(holder);
    const outcomes = await issuing;

    // Assess
    expect(outcomes).toEqual(["issued", "issued"]);
    expect([(await storedAccount(first.id)).tokens, (await storedAccount(second.id)).tokens]).toEqual([{ reset: 1 }, { reset: 1 }]);
  });

  it("answers 20 rounds of 3 resets and 3 issues at once on one user with a spent token, a 400 or a new one, never an error", async () => {
    // Prepare
    const user = await newUser("issue_many");
    const outcomes: string[] = [];

    // Act: each round races the resets with the round's live token against issues that void it.
    for (let round = 0; round < 20; round++) {
      const token = await issueAccountToken(user.id, "reset", user.email, HOUR);
      outcomes.push(
        ...(await Promise.all(
          containers.map((container, i) => (i % 2 === 0 ? reset(container, token, `new-password-${round}-${i}`) : issue(container, user.id, "reset", user.email))),
        )),
      );
    }

    // Assess: nothing but the three expected outcomes; each round's token was spent at most once.
    expect(outcomes.filter((result) => !["spent", "issued", "400"].includes(result))).toEqual([]);
    expect(outcomes.filter((result) => result === "issued")).toHaveLength(60);
    expect(outcomes.filter((result) => result === "spent").length).toBeLessThanOrEqual(20);
    expect((await storedAccount(user.id)).tokens.reset).toBeLessThanOrEqual(1);
  });

  it("issues for 6 new users at once, 20 rounds, never an error", async () => {
    // Prepare: new users' index entries sit side by side, as the mail sender's batches meet them.
    const outcomes: string[] = [];

    // Act
    for (let round = 0; round < 20; round++) {
      const users = await Promise.all(containers.map(() => newUser("issue_side")));
      outcomes.push(...(await Promise.all(containers.map((container, i) => issue(container, users[i]!.id, "verify", users[i]!.email)))));
    }

    // Assess
    expect(outcomes.filter((result) => result !== "issued")).toEqual([]);
  });
});
