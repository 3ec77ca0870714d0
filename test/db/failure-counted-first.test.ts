import mysql from "mysql2/promise";
import { afterAll, describe, expect, inject, it } from "vitest";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { UnauthorizedError } from "../../lib/errors.ts";
import { changePassword } from "../../lib/sessions/change-password.ts";
import { signIn } from "../../lib/sessions/signin.ts";
import { query } from "../support/db-query.ts";
import { uniqueName } from "../support/http.ts";
import { waitForLockWaits } from "../support/lock-waits.ts";

// A wrong password is answered only once its failure is counted: the check is reserved (counted
// as a failure) before bcrypt runs. Were the reservation left unawaited, a failed write would go
// unnoticed and the guesses it should have counted would be free. Proved without timing: another connection holds the
// username's lockout row, so the count cannot be written; the attempt must still be waiting for
// it when the database shows the count blocked, and answer 401 once the row is let go.

const T0 = new Date("2030-01-01T00:00:00.000Z");
const WRONG = "not-the-password";

async function newUser(): Promise<{ id: number; username: string }> {
  const username = uniqueName("counted");
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
    username,
    `${username}@example.com`,
    await hashPassword(`pw-${username}`),
  ]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [username]);
  return { id: row!.id, username };
}

async function failures(username: string): Promise<number | undefined> {
  const [row] = await query<{ failures: number }>("SELECT failures FROM password_lockouts WHERE username = ?", [username.toLowerCase()]);
  return row?.failures;
}

/** Whether `attempt` has settled yet, and how: a 401 or anything else. */
function watched(attempt: Promise<unknown>): { settled: () => boolean; answer: Promise<string> } {
  let settled = false;
  const answer = attempt.then(
    () => "ok",
    (error: unknown) => (error instanceof UnauthorizedError ? "refused" : String(error)),
  );
  void answer.finally(() => (settled = true));
  return { settled: () => settled, answer };
}

/** Runs `attempt` while another connection holds the username's lockout row; what it answered and when. */
async function whileCountIsBlocked(username: string, attempt: () => Promise<unknown>) {
  const holder = await mysql.createConnection(parseDatabaseUrl(inject("databaseUrl")));
  try {
    await holder.beginTransaction();
    await holder.query("SELECT failures FROM password_lockouts WHERE username = ? FOR UPDATE", [username.toLowerCase()]);
    const watch = watched(attempt());
    await waitForLockWaits(holder, 1);
    const settledWhileBlocked = watch.settled();
    await holder.commit();
    return { settledWhileBlocked, answer: await watch.answer };
  } finally {
    await holder.end();
  }
}

afterAll(async () => {
  await disconnectPrisma();
});

describe("a wrong password's failure is counted before the 401", () => {
  it("on signin", async () => {
    // Prepare: one failure, so that the lockout row exists to be held.
    const { username } = await newUser();
    await expect(signIn({ username, password: WRONG }, T0)).rejects.toBeInstanceOf(UnauthorizedError);

    // Act
    const result = await whileCountIsBlocked(username, () => signIn({ username, password: WRONG }, T0));

    // Assess
    expect(result).toEqual({ settledWhileBlocked: false, answer: "refused" });
    expect(await failures(username)).toBe(2);
  });

  it("on a password change", async () => {
    const { id, username } = await newUser();
    const caller = { userId: id, username, roles: ["user" as const] };
    const change = () => changePassword(caller, { currentPassword: WRONG, newPassword: "a-brand-new-password" }, T0);
    await expect(change()).rejects.toBeInstanceOf(UnauthorizedError);

    const result = await whileCountIsBlocked(username, change);

    expect(result).toEqual({ settledWhileBlocked: false, answer: "refused" });
    expect(await failures(username)).toBe(2);
  });
});
