import type { Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { INVALID_ACCOUNT_TOKEN } from "../../lib/accounts/errors.ts";
import { newAccountToken } from "../../lib/auth/account-tokens.ts";
import { closeBrowser, openWatched } from "../support/browser.ts";
import { query } from "../support/db-query.ts";
import { call, signedUp, signIn } from "../support/http.ts";
import { linkIn, tokenIn, waitForMail } from "../support/maildev.ts";

// The pages mailed links open (GET /api/auth/reset-password, GET /api/auth/verify-email) in
// Chromium, against the stack under test: the form does the account's work through the API, under
// the pages' strict policy, with nothing in the console. Opening a page spends nothing.

const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MAIL_TIMEOUT_MS = 30_000;

afterAll(closeBrowser);

async function userIdOf(username: string): Promise<number> {
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [username]);
  return Number(row?.id);
}

async function liveTokens(userId: number, purpose: string): Promise<number> {
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM account_tokens WHERE user_id = ? AND purpose = ?", [userId, purpose]);
  return Number(row?.n);
}

function posts(requested: string[], path: string): string[] {
  return requested.filter((url) => url === `${inject("baseUrl")}${path}`);
}

async function setNewPassword(page: Page, password: string): Promise<void> {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password, again").fill(password);
  await page.getByRole("button", { name: "Set the new password" }).click();
}

describe("GET /api/auth/reset-password in a browser", () => {
  it("recovers an account as a person does: forgot, the mailed link, a new password that signs in", async () => {
    // Prepare
    const { account } = await signedUp("resetpage");
    const newPassword = "a-passphrase-set-in-the-page";
    const asked = new Date();

    // Act
    const forgot = await call("/api/auth/password/forgot", { body: { email: account.email } });
    const link = linkIn(await waitForMail(inject("mailApiUrl"), account.email, { subject: /reset your/i, after: asked, timeoutMs: MAIL_TIMEOUT_MS }));
    const { page, answer, problems, requested } = await openWatched(link);
    await setNewPassword(page, newPassword);
    await page.getByRole("heading", { name: "Your password is set" }).waitFor();

    // Assess
    expect(forgot.status).toBe(202);
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-security-policy"]).toBe(STRICT_CSP);
    await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toBe("Set a new password");
    expect(posts(requested, "/api/auth/password/reset")).toHaveLength(1);
    // The token was read from the fragment, and then taken out of the address bar.
    expect(page.url()).toBe(`${inject("baseUrl")}/api/auth/reset-password`);
    await expect(signIn({ username: account.username, password: newPassword })).resolves.toMatchObject({ username: account.username });
    expect((await call("/api/auth/signin", { body: { username: account.username, password: account.password } })).status).toBe(401);
    expect(problems).toEqual([]);
  });

  it("shows the API's message for a token it refuses, and sends nothing while the two passwords differ", async () => {
    // Prepare: a token of the right form that was never stored.
    const { token } = newAccountToken();
    const { page, problems, requested } = await openWatched(`${inject("baseUrl")}/api/auth/reset-password#token=${token}`);

    // Act: two different passwords, then the same one twice.
    await page.getByLabel("New password", { exact: true }).fill("first-passphrase");
    await page.getByLabel("New password, again").fill("second-passphrase");
    await page.getByRole("button", { name: "Set the new password" }).click();
    const mismatch = await page.getByRole("status").innerText();
    const postsAfterMismatch = posts(requested, "/api/auth/password/reset").length;
    await setNewPassword(page, "a-passphrase-never-set");
    await page.getByRole("status").filter({ hasText: INVALID_ACCOUNT_TOKEN }).waitFor();

    // Assess
    expect(mismatch).toBe("The two passwords differ: type the same one twice.");
    expect(postsAfterMismatch).toBe(0);
    await expect(page.getByRole("button", { name: "Set the new password" }).isVisible()).resolves.toBe(true);
    // The refusal itself (Chromium logs every 4xx), and nothing else.
    expect(problems).toEqual([
      `400 for ${inject("baseUrl")}/api/auth/password/reset`,
      "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]);
  });

  it("says the link has no token, and shows no form, when the fragment has none", async () => {
    const { page, problems } = await openWatched(`${inject("baseUrl")}/api/auth/reset-password?token=in-the-query`);

    await page.getByRole("status").filter({ hasText: "This link has no token" }).waitFor();

    await expect(page.getByRole("button", { name: "Set the new password" }).isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
  });
});

describe("GET /api/auth/verify-email in a browser", () => {
  it("spends nothing when opened, and confirms the address when its button is pressed", async () => {
    // Prepare: the link of the verification mail that signup sent.
    const asked = new Date();
    const { account, session } = await signedUp("verifypage");
    const link = linkIn(await waitForMail(inject("mailApiUrl"), account.email, { subject: /confirm your email address/i, after: asked, timeoutMs: MAIL_TIMEOUT_MS }));
    expect(link.startsWith(`${inject("baseUrl")}/api/auth/verify-email#token=`)).toBe(true);
    expect(tokenIn(link)).toMatch(/^[\w-]{43}$/);
    const userId = await userIdOf(account.username);

    // Act: open the page, as a mail scanner would.
    const { page, answer, problems, requested } = await openWatched(link);
    const button = page.getByRole("button", { name: "Confirm my address" });
    await button.waitFor();

    // Assess: nothing posted, nothing spent.
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-security-policy"]).toBe(STRICT_CSP);
    expect(posts(requested, "/api/auth/email/verify")).toEqual([]);
    expect(await liveTokens(userId, "verify")).toBe(1);
    expect((await call("/api/auth/me", { token: session.accessToken })).json()).toMatchObject({ emailVerified: false });

    // Act: press the button.
    await button.click();
    await page.getByRole("heading", { name: "Your address is confirmed" }).waitFor();

    // Assess
    expect(posts(requested, "/api/auth/email/verify")).toHaveLength(1);
    expect(await liveTokens(userId, "verify")).toBe(0);
    expect((await call("/api/auth/me", { token: session.accessToken })).json()).toMatchObject({ emailVerified: true });
    expect(problems).toEqual([]);
  });
});
