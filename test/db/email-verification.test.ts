import mysql from "mysql2/promise";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { handler as changeEmailHandler } from "../../functions/change-email.ts";
import { handler as resendHandler } from "../../functions/resend-verification.ts";
import { handler as resetHandler } from "../../functions/reset-password.ts";
import { handler as signinHandler } from "../../functions/signin.ts";
import { handler as verifyHandler } from "../../functions/verify-email.ts";
import { INVALID_ACCOUNT_TOKEN, VERIFY_MAIL_ON_ITS_WAY } from "../../lib/accounts/errors.ts";
import { issueAccountToken } from "../../lib/accounts/tokens.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { EMAIL_NOT_VERIFIED } from "../../lib/sessions/errors.ts";
import { alreadyInUse, IN_USE } from "../../lib/users/errors.ts";
import { callerContext, invoke, newUser, storedAccount, type Answer, type Handler, type TestUser } from "../support/account-fixtures.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { query } from "../support/db-query.ts";
import { uniqueName } from "../support/http.ts";
import { urlForLockWaits, waitForLockWaits } from "../support/lock-waits.ts";

// POST /api/auth/email/verify, /api/auth/email (change) and /api/auth/email/resend through their
// handlers, against the real database. The tokens are made with issueAccountToken, as the mail
// sender makes them when it sends the mail a route queued (lib/accounts/send-mails.ts, which
// this file does not run).

const HOUR = 60 * 60;
const INVALID_TOKEN_ANSWER = {
  status: 400,
  body: { message: INVALID_ACCOUNT_TOKEN, errors: [{ field: "token", message: "is invalid, expired or already used" }] },
};

const savedUrl = process.env.DATABASE_URL;
const savedPolicy = process.env.EMAIL_VERIFICATION;
let racers: Handler[];

beforeAll(async () => {
  // The racing verifications wait on a held row lock; the routes' 1.5 s socket timeout is not the point.
  process.env.DATABASE_URL = urlForLockWaits(savedUrl!);
  racers = [];
  for (let i = 0; i < 2; i++) racers.push(await newContainerWith(async () => (await import("../../functions/verify-email.ts")).handler));
});

afterEach(() => {
  if (savedPolicy === undefined) delete process.env.EMAIL_VERIFICATION;
  else process.env.EMAIL_VERIFICATION = savedPolicy;
  resetConfig();
});

afterAll(async () => {
  await Promise.all([closeContainers(), disconnectPrisma()]);
  process.env.DATABASE_URL = savedUrl;
});

function verify(token: string, handler: Handler = verifyHandler): Promise<Answer> {
  return invoke(handler, { path: "/api/auth/email/verify", body: { token } });
}

function signin(user: TestUser): Promise<Answer> {
  return invoke(signinHandler, { path: "/api/auth/signin", body: { username: user.username, password: user.password } });
}

/** The kinds and addresses of the mails queued for the account or to `address`, oldest first. */
async function queuedMails(userId: number, address: string): Promise<{ kind: string; address: string }[]> {
  return query<{ kind: string; address: string }>("SELECT kind, address FROM mail_outbox WHERE user_id = ? OR address = ? ORDER BY id", [userId, address]);
}

describe("a verification token", () => {
  it("marks the address verified and is spent: a second use is the one 400", async () => {
    // Prepare
    const user = await newUser("verify_ok");
    const token = await issueAccountToken(user.id, "verify", user.email, HOUR);

    // Act
    const first = await verify(token);
    const again = await verify(token);

    // Assess
    expect(first).toEqual({ status: 204, body: {} });
    expect(again).toEqual(INVALID_TOKEN_ANSWER);
    expect(await storedAccount(user.id)).toMatchObject({ email: user.email, emailVerified: true, tokens: {} });
  });

  it.each([
    ["expired", (user: TestUser) => issueAccountToken(user.id, "verify", user.email, HOUR, new Date(Date.now() - HOUR * 1000 - 1000))],
    ["a reset token", (user: TestUser) => issueAccountToken(user.id, "reset", user.email, HOUR)],
    [
      "mailed to an address the account no longer has",
      async (user: TestUser) => {
        const token = await issueAccountToken(user.id, "verify", user.email, HOUR);
        await query("UPDATE users SET email = ? WHERE id = ?", [`moved-${user.email}`, user.id]);
        return token;
      },
    ],
  ])("is refused when %s, with the one 400 and nothing changed", async (_kind, tokenFor) => {
    // Prepare
    const user = await newUser("verify_refused");
    const token = await tokenFor(user);
    const before = await storedAccount(user.id);

    // Act
    const answer = await verify(token);

    // Assess
    expect(answer).toEqual(INVALID_TOKEN_ANSWER);
    expect(await storedAccount(user.id)).toEqual(before);
  });

  it("spent by two verifications at once: one 204, one 400", async () => {
    // Prepare: a third connection holds the user's row, so both have found the token live
    // before either can spend it.
    const user = await newUser("verify_race");
    const token = await issueAccountToken(user.id, "verify", user.email, HOUR);
    const holder = await mysql.createConnection(parseDatabaseUrl(process.env.DATABASE_URL!));
    await holder.beginTransaction();
    await holder.query("SELECT id FROM users WHERE id = ? FOR UPDATE", [user.id]);

    // Act
    const racing = Promise.all(racers.map((handler) => verify(token, handler)));
    await waitForLockWaits(holder, 2);
    await holder.commit();
    await holder.end();
    const answers = await racing;

    // Assess
    expect(answers.map(({ status }) => status).sort()).toEqual([204, 400]);
    expect(answers.find(({ status }) => status === 400)).toEqual(INVALID_TOKEN_ANSWER);
    expect(await storedAccount(user.id)).toMatchObject({ emailVerified: true, tokens: {} });
  });
});

describe("a resent verification", () => {
  it("queues a verification mail for the address, whose new link supersedes the older one", async () => {
    // Prepare
    const user = await newUser("verify_resend");
    const older = await issueAccountToken(user.id, "verify", user.email, HOUR);

    // Act: the route queues the mail; sending it makes the new token.
    const resent = await invoke(resendHandler, { path: "/api/auth/email/resend", body: { email: user.email } });
    const newer = await issueAccountToken(user.id, "verify", user.email, HOUR);

    // Assess
    expect(resent).toEqual({ status: 202, body: { message: VERIFY_MAIL_ON_ITS_WAY } });
    expect(await queuedMails(user.id, user.email)).toEqual([{ kind: "verify", address: user.email }]);
    expect(await verify(older)).toEqual(INVALID_TOKEN_ANSWER);
    expect(await verify(newer)).toEqual({ status: 204, body: {} });
    expect((await storedAccount(user.id)).emailVerified).toBe(true);
  });
});

describe("an email change", () => {
  it("changes nothing when asked, and moves the account to the token's address once verified", async () => {
    // Prepare
    const user = await newUser("change_ok");
    const newEmail = `${uniqueName("moved")}@example.com`;

    // Act: the request; then the link mailed to the new address, opened.
    const asked = await invoke(changeEmailHandler, {
      path: "/api/auth/email",
      body: { newEmail, currentPassword: user.password },
      authorizer: callerContext(user),
    });
    const beforeVerify = await storedAccount(user.id);
    const token = await issueAccountToken(user.id, "change", newEmail, HOUR);
    const verified = await verify(token);

    // Assess
    expect(asked.status).toBe(202);
    expect(beforeVerify).toMatchObject({ email: user.email, emailVerified: false });
    expect(await queuedMails(user.id, newEmail)).toEqual([
      { kind: "change", address: newEmail },
      { kind: "change-notice", address: user.email },
    ]);
    expect(verified).toEqual({ status: 204, body: {} });
    expect(await storedAccount(user.id)).toMatchObject({ email: newEmail, emailVerified: true, tokens: {} });
  });

  it("moves the account to the address its token was mailed to, not a later request's", async () => {
    // Prepare: a link for one address, then a request for another whose mail is not sent yet.
    const user = await newUser("change_bound");
    const [mailed, askedLater] = [`${uniqueName("first")}@example.com`, `${uniqueName("later")}@example.com`];
    const token = await issueAccountToken(user.id, "change", mailed, HOUR);
    const asked = await invoke(changeEmailHandler, {
      path: "/api/auth/email",
      body: { newEmail: askedLater, currentPassword: user.password },
      authorizer: callerContext(user),
    });

    // Act
    const verified = await verify(token);

    // Assess
    expect(asked.status).toBe(202);
    expect(verified.status).toBe(204);
    expect((await storedAccount(user.id)).email).toBe(mailed);
  });

  it("voids the links mailed to the old address (reset, verification) when it applies", async () => {
    // Prepare
    const user = await newUser("change_voids");
    const newEmail = `${uniqueName("moved")}@example.com`;
    const reset = await issueAccountToken(user.id, "reset", user.email, HOUR);
    const verification = await issueAccountToken(user.id, "verify", user.email, HOUR);
    const change = await issueAccountToken(user.id, "change", newEmail, HOUR);

    // Act
    const verified = await verify(change);

    // Assess
    expect(verified.status).toBe(204);
    expect((await storedAccount(user.id)).tokens).toEqual({});
    expect(await verify(verification)).toEqual(INVALID_TOKEN_ANSWER);
    const resetAnswer = await invoke(resetHandler, { path: "/api/auth/password/reset", body: { token: reset, newPassword: "a-new-password-from-the-link" } });
    expect(resetAnswer).toEqual(INVALID_TOKEN_ANSWER);
  });

  it("is a 409 when another account took the address since, changing nothing and keeping the link", async () => {
    // Prepare: the link is mailed, then another account takes the address (in another letter case).
    const user = await newUser("change_taken");
    const other = await newUser("change_taker");
    const newEmail = `${uniqueName("wanted")}@example.com`;
    const token = await issueAccountToken(user.id, "change", newEmail, HOUR);
    await query("UPDATE users SET email = ? WHERE id = ?", [newEmail.toUpperCase(), other.id]);
    const before = await storedAccount(user.id);

    // Act
    const answer = await verify(token);

    // Assess: refused, nothing spent; once the address is free again, the same link works.
    const fields = [{ field: "email", message: IN_USE }];
    expect(answer).toEqual({ status: 409, body: { message: alreadyInUse(fields), errors: fields } });
    expect(await storedAccount(user.id)).toEqual(before);
    await query("UPDATE users SET email = ? WHERE id = ?", [other.email, other.id]);
    expect((await verify(token)).status).toBe(204);
    expect((await storedAccount(user.id)).email).toBe(newEmail);
  });
});

describe("EMAIL_VERIFICATION=required", () => {
  it("refuses the right password of an unverified account with a 403 saying how to get a new link, and signs it in once verified", async () => {
    // Prepare
    process.env.EMAIL_VERIFICATION = "required";
    resetConfig();
    const user = await newUser("verify_required");

    // Act
    const refused = await signin(user);
    const token = await issueAccountToken(user.id, "verify", user.email, HOUR);
    const verified = await verify(token);
    const accepted = await signin(user);

    // Assess
    expect(refused).toEqual({ status: 403, body: { message: EMAIL_NOT_VERIFIED } });
    expect(refused.body.message).toContain("POST /api/auth/email/resend");
    expect(verified.status).toBe(204);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ username: user.username, emailVerified: true });
    expect((await storedAccount(user.id)).sessions).toBe(1);
  });

  it("still signs in a verified account, and an unverified one once the policy is optional again", async () => {
    // Prepare
    const verifiedUser = await newUser("verify_policy");
    await query("UPDATE users SET email_verified = TRUE WHERE id = ?", [verifiedUser.id]);
    const unverified = await newUser("verify_policy");

    // Act
    process.env.EMAIL_VERIFICATION = "required";
    resetConfig();
    const underRequired = [(await signin(verifiedUser)).status, (await signin(unverified)).status];
    process.env.EMAIL_VERIFICATION = "optional";
    resetConfig();
    const underOptional = (await signin(unverified)).status;

    // Assess
    expect(underRequired).toEqual([200, 403]);
    expect(underOptional).toBe(200);
  });
});
