import type { Locator, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { closeBrowser, openWatched, type WatchedPage } from "../support/browser.ts";
import { call, newAccount, signUp } from "../support/http.ts";

// The API reference page (GET /api/docs) in a real browser: Debian's Chromium driven by
// playwright-core. The page is Swagger UI, served whole by the docs function under its own strict
// Content-Security-Policy; it must list every operation of the served description, and sign in
// through its own "Try it out" on this stage, with nothing in the console and no policy violation.

const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

afterAll(closeBrowser);

/** Opens the docs page in a fresh browser context and waits until Swagger UI has rendered the description. */
async function openDocs(): Promise<WatchedPage> {
  const opened = await openWatched(`${inject("baseUrl")}/api/docs`);
  const { page, problems } = opened;
  // Swagger UI has fetched the description and rendered its operations; if not, say what the page saw.
  await page
    .locator(".opblock")
    .first()
    .waitFor()
    .catch((error: Error) => {
      throw new Error(`Swagger UI rendered no operation (${error.message.split("\n")[0]}); the page saw: ${JSON.stringify(problems, null, 2)}`);
    });
  return opened;
}

/**
 * The operation's block on the page, found by the method and the path its summary shows (the
 * block's opblock-<method> class is gone when the operation is deprecated).
 */
function operation(page: Page, method: string, path: string): Locator {
  return page
    .locator(".opblock")
    .filter({ has: page.locator(".opblock-summary-method", { hasText: new RegExp(`^${method}$`, "i") }) })
    .filter({ has: page.locator(`.opblock-summary [data-path="${path}"]`) });
}

/** Expands the operation, runs it through "Try it out" (with `body` when given) and returns its live answer. */
async function tryItOut(block: Locator, body?: unknown): Promise<{ status: string; body: string }> {
  await block.locator(".opblock-summary-control").click();
  await block.locator(".try-out__btn").click();
  if (body !== undefined) {
    // JSON, whichever media type the description lists first (signin also takes a form).
    const mediaType = block.locator('select[aria-label="Request content type"]');
    if ((await mediaType.count()) > 0) await mediaType.selectOption("application/json");
    await block.locator("textarea.body-param__text").fill(JSON.stringify(body));
  }
  await block.locator(".btn.execute").click();
  const live = block.locator(".live-responses-table .response").first();
  const status = live.locator(".response-col_status");
  await status.waitFor();
  return { status: (await status.innerText()).trim(), body: await live.locator(".response-col_description pre").first().innerText() };
}

describe("GET /api/docs in a browser", () => {
  it("renders under its own strict policy, with every file from this stage and nothing in the console", async () => {
    const { page, answer, problems, requested } = await openDocs();

    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-security-policy"]).toBe(STRICT_CSP);
    expect(answer.headers()["content-type"]).toBe("text/html; charset=utf-8");
    // Swagger UI itself, not its "failed to load" notice.
    await expect(page.locator(".swagger-ui .info .title").innerText()).resolves.not.toBe("");
    const origin = new URL(inject("baseUrl")).origin;
    expect(requested.filter((url) => !url.startsWith("data:") && new URL(url).origin !== origin)).toEqual([]);
    expect(requested.some((url) => url.includes("/api/docs/assets/swagger-ui-bundle.js?v="))).toBe(true);
    expect(problems).toEqual([]);
  });

  it("lists every operation of the description it serves, and no other", async () => {
    const description = (await call("/api/docs/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const operations = Object.entries(description.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.includes(key))
        .map((method) => `${method} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(0);

    const { page, problems } = await openDocs();

    for (const entry of operations) {
      const [method, path] = entry.split(" ") as [string, string];
      await expect(operation(page, method, path).count(), entry).resolves.toBeGreaterThanOrEqual(1);
    }
    // An operation under several tags is listed once under each.
    const listed: string[] = [];
    for (const block of await page.locator(".opblock").all()) {
      const method = await block.locator(".opblock-summary-method").innerText();
      listed.push(`${method.toLowerCase()} ${await block.locator(".opblock-summary [data-path]").getAttribute("data-path")}`);
    }
    expect([...new Set(listed)].sort()).toEqual([...operations].sort());
    expect(problems).toEqual([]);
  });

  it("signs in through its own Try it out on this stage, then reads /api/auth/me with the token given to Authorize", async () => {
    // Prepare
    const account = newAccount("docs");
    expect((await signUp(account)).status).toBe(201);
    const { page, problems } = await openDocs();
    const signinCall = page.waitForRequest((request) => request.method() === "POST" && request.url().endsWith("/api/auth/signin"));

    // Act: sign in through the page.
    const signin = await tryItOut(operation(page, "post", "/api/auth/signin"), { username: account.username, password: account.password });

    // Assess
    expect((await signinCall).url()).toBe(`${inject("baseUrl")}/api/auth/signin`);
    expect(signin.status).toBe("200");
    const session = JSON.parse(signin.body) as { accessToken?: unknown; username?: unknown };
    expect(session.username).toBe(account.username);
    expect(session.accessToken).toEqual(expect.any(String));

    // Act: the token into Authorize (bearer), then GET /api/auth/me through the page.
    await page.locator(".auth-wrapper .btn.authorize").click();
    const dialog = page.locator(".modal-ux");
    await dialog.locator("#auth-bearer-value").fill(String(session.accessToken));
    await dialog.locator(".auth-btn-wrapper .btn.authorize").click();
    await dialog.locator(".auth-btn-wrapper .btn-done").click();
    const me = await tryItOut(operation(page, "get", "/api/auth/me"));

    // Assess
    expect(me.status).toBe("200");
    expect(JSON.parse(me.body)).toMatchObject({ username: account.username });
    expect(problems).toEqual([]);
  });
});
