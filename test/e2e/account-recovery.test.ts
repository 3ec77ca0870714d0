import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { CHANGE_MAIL_ON_ITS_WAY, INVALID_ACCOUNT_TOKEN, RESET_MAIL_ON_ITS_WAY, VERIFY_MAIL_ON_ITS_WAY } from "../../lib/accounts/errors.ts";
import { query } from "../support/db-query.ts";
import { call, newAccount, refresh, signedUp, signIn, signUp, type ApiResponse } from "../support/http.ts";
import { linkIn, mailsTo, tokenIn, waitForMail, waitForMails, type CaughtMail } from "../support/maildev.ts";

// Account recovery and verified email over HTTP, as a client does it: each request answers at
// once, the mail arrives in the stack's MailDev (sent by the sendMail function the request woke),
// and the link's token completes the flow. Every answer is held to the OpenAPI description.

const MAIL_TIMEOUT = { timeoutMs: 30_000 };
const mailApi = () => inject("mailApiUrl");
/** What each test saw of tokens, links and addresses: none may reach the handlers' log. */
const seen = { tokens: new Set<string>(), links: new Set<string>(), addresses: new Set<string>() };

async function mailTo(address: string, subject: RegExp, after?: Date): Promise<{ mail: CaughtMail; link: string; token: string }> {
  const mail = await waitForMail(mailApi(), address, { subject, after, ...MAIL_TIMEOUT });
  const link = linkIn(mail);
  const token = tokenIn(link);
  seen.links.add(link);
  seen.tokens.add(token);
  seen.addresses.add(address);
  return { mail, link, token };
}

function post(path: string, body: unknown, token?: string): Promise<ApiResponse> {
  return call(path, { body, token });
}

/** Waits until the sender has dealt with every mail queued for the address (none pending or being sent). */
async function outboxSettled(address: string): Promise<{ kind: string; state: string }[]> {
  const deadline = Date.now() + MAIL_TIMEOUT.timeoutMs;
  for (;;) {
    const rows = await query<{ kind: string; state: string }>("SELECT kind, state FROM mail_outbox WHERE address = ? ORDER BY id", [address]);
    if (rows.every(({ state }) => state !== "pending" && state !== "sending")) return rows;
    if (Date.now() > deadline) throw new Error(`mails to the address still pending: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The headers that must not differ between two answers that should say nothing. */
function comparable(response: ApiResponse) {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !["date", "x-amzn-requestid", "x-amz-apigw-id", "x-amzn-trace-id"].includes(name)));
  return { status: response.status, body: response.text, headers };
}

describe("a forgotten password", () => {
  it("is reset through the mailed link: the new password signs in, the old one and every session end, the link works once", async () => {
    // Prepare
    const { account, session } = await signedUp("forgot");
    const asked = new Date();

    // Act
    const forgot = await post("/api/auth/password/forgot", { email: account.email });
    const { link, token } = await mailTo(account.email, /reset/i, asked);
    const reset = await post("/api/auth/password/reset", { token, newPassword: "a-brand-new-passphrase" });

    // Assess
    expect(forgot.status).toBe(202);
    expect(forgot.json()).toEqual({ message: RESET_MAIL_ON_ITS_WAY });
    expect(link.startsWith(`${inject("baseUrl")}/api/auth/reset-password#token=`)).toBe(true);
    expect(reset.status).toBe(204);
    await expect(signIn({ username: account.username, password: "a-brand-new-passphrase" })).resolves.toMatchObject({ emailVerified: true });
    expect((await post("/api/auth/signin", { username: account.username, password: account.password })).status).toBe(401);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    const again = await post("/api/auth/password/reset", { token, newPassword: "yet-another-passphrase" });
    expect(again.status).toBe(400);
    expect(again.json()).toMatchObject({ message: INVALID_ACCOUNT_TOKEN });
  });

  it("answers an address with no account exactly as one with an account, and mails it nothing", async () => {
    const { account } = await signedUp("known");
    const unknown = newAccount("nobody").email;

    const forUnknown = await post("/api/auth/password/forgot", { email: unknown });
    const forKnown = await post("/api/auth/password/forgot", { email: account.email });

    expect(comparable(forUnknown)).toEqual(comparable(forKnown));
    expect(await outboxSettled(unknown)).toEqual([{ kind: "reset", state: "skipped" }]);
    expect(await mailsTo(mailApi(), unknown)).toEqual([]);
  });

  it("also takes the address as an HTML form", async () => {
    const { account } = await signedUp("form");
    const asked = new Date();
    const response = await call("/api/auth/password/forgot", {
      rawBody: new URLSearchParams({ email: account.email }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(202);
    await mailTo(account.email, /reset/i, asked);
  });

  it("mails one address at most 5 times an hour, the verification mail included, and still answers 202", async () => {
    const account = newAccount("limit");
    expect((await signUp(account)).status).toBe(201);
    const answers = [];
    for (let request = 0; request < 6; request++) answers.push((await post("/api/auth/password/forgot", { email: account.email })).status);

    expect(answers).toEqual([202, 202, 202, 202, 202, 202]);
    const rows = await outboxSettled(account.email);
    expect(rows.filter(({ state }) => state === "sent")).toHaveLength(5);
    expect(rows.filter(({ state }) => state === "skipped")).toHaveLength(2);
    expect(await waitForMails(mailApi(), account.email, 5, MAIL_TIMEOUT.timeoutMs)).toHaveLength(5);
  });
});

describe("verified email", () => {
  it("starts unverified; the signup mail's link verifies it, and the next access token says email_verified", async () => {
    const account = newAccount("verify");
    const asked = new Date();
    expect((await signUp(account)).status).toBe(201);
    const before = await signIn(account);
    expect(before.emailVerified).toBe(false);

    const { link, token } = await mailTo(account.email, /confirm/i, asked);
    const verified = await post("/api/auth/email/verify", { token });

    expect(link.startsWith(`${inject("baseUrl")}/api/auth/verify-email#token=`)).toBe(true);
    expect(verified.status).toBe(204);
    const me = await call("/api/auth/me", { token: before.accessToken });
    expect(me.json()).toMatchObject({ emailVerified: true });
    const after = await signIn(account);
    const payload = JSON.parse(Buffer.from(after.accessToken.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(payload.email_verified).toBe(true);
  });

  it("resends a link for {email} without a token; the newer link voids the older one", async () => {
    const account = newAccount("resend");
    const asked = new Date();
    expect((await signUp(account)).status).toBe(201);
    const first = await mailTo(account.email, /confirm/i, asked);
    await outboxSettled(account.email);

    const resent = await post("/api/auth/email/resend", { email: account.email });
    await outboxSettled(account.email);
    const mails = await waitForMails(mailApi(), account.email, 2, MAIL_TIMEOUT.timeoutMs);
    const second = tokenIn(linkIn(mails.at(-1)!));
    seen.tokens.add(second);

    expect(resent.status).toBe(202);
    expect(resent.json()).toEqual({ message: VERIFY_MAIL_ON_ITS_WAY });
    expect(mails).toHaveLength(2);
    expect((await post("/api/auth/email/verify", { token: first.token })).status).toBe(400);
    expect((await post("/api/auth/email/verify", { token: second })).status).toBe(204);
  });

  it("changes the address only once the new one is confirmed, with a notice to the old one", async () => {
    const { account, session } = await signedUp("change");
    const newEmail = newAccount("changed").email;
    const asked = new Date();

    const requested = await post("/api/auth/email", { newEmail, currentPassword: account.password }, session.accessToken);
    const confirmation = await mailTo(newEmail, /new email/i, asked);
    const notice = await waitForMail(mailApi(), account.email, { subject: /being changed/i, after: asked, ...MAIL_TIMEOUT });
    const meBefore = (await call("/api/auth/me", { token: session.accessToken })).json();
    const confirmed = await post("/api/auth/email/verify", { token: confirmation.token });
    const meAfter = (await call("/api/auth/me", { token: session.accessToken })).json();

    expect(requested.status).toBe(202);
    expect(requested.json()).toEqual({ message: CHANGE_MAIL_ON_ITS_WAY });
    expect(notice.text).not.toContain(newEmail);
    expect(meBefore).toMatchObject({ email: account.email });
    expect(confirmed.status).toBe(204);
    expect(meAfter).toMatchObject({ email: newEmail, emailVerified: true });
  });
});

describe("the handlers' log", () => {
  // Runs last in this file: it reads what every test above left in the log.
  it("holds none of the tokens, links and addresses the mails carried", () => {
    const log = readFileSync(inject("offlineLog"), "utf8");
    expect(seen.tokens.size).toBeGreaterThan(3);
    for (const token of seen.tokens) expect(log).not.toContain(token);
    for (const link of seen.links) expect(log).not.toContain(link);
    for (const address of seen.addresses) expect(log).not.toContain(address);
  });
});
