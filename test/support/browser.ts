import { existsSync } from "node:fs";
import { chromium, type Browser, type Page, type Response } from "playwright-core";

// The pages this API serves, in a real browser: Debian's Chromium driven by playwright-core. One
// browser per test file (closeBrowser() in its afterAll); each page opens in a fresh context and
// reports every console error, page error, policy violation and failed request it meets.

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
// Without the background-networking flags, Chromium's calls to Google are refused here many at a
// time (STACK-NOTES.md); --no-sandbox because CI runs as root.
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser: Promise<Browser> | undefined;

/** The one browser of this test file, started by the first test that needs it. Without Chromium, each test fails saying how to get it. */
export function chromiumBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: the browser tests need one. Install Debian's with ` +
        "`apt-get install -y chromium` (.ci/run does), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  }
  return (browser ??= chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS }));
}

/** Closes the browser, with every context and page in it; for the test file's afterAll. */
export async function closeBrowser(): Promise<void> {
  // A failed launch has already failed the tests.
  await (await browser?.catch(() => undefined))?.close();
  browser = undefined;
}

interface PageGlobals {
  document: {
    addEventListener(type: "securitypolicyviolation", listener: (event: { effectiveDirective: string; blockedURI: string; sample: string }) => void): void;
  };
  reportPolicyViolation(violation: string): void;
}

export interface WatchedPage {
  page: Page;
  /** The page's own answer. */
  answer: Response;
  /** Console errors, page errors, policy violations, failed or refused requests, as they come. */
  problems: string[];
  /** Every URL the page asked for. */
  requested: string[];
}

/** Opens `url` in a fresh browser context, watching everything the page meets. */
export async function openWatched(url: string): Promise<WatchedPage> {
  const context = await (await chromiumBrowser()).newContext();
  // Below vitest's 30 s, so that a missing element fails with its locator's name.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  const requested: string[] = [];
  page.on("console", (message) => {
    // Chromium also says here when it cannot parse a policy header.
    if (message.type() === "error" || /Content-Security-Policy|Permissions-Policy/.test(message.text())) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => requested.push(request.url()));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  await page.exposeFunction("reportPolicyViolation", (violation: string) => problems.push(`CSP violation: ${violation}`));
  // Runs in the page before its own scripts (tsconfig has no DOM types: the page's globals are named here).
  await page.addInitScript(() => {
    const globals = globalThis as unknown as PageGlobals;
    globals.document.addEventListener("securitypolicyviolation", (event) => {
      globals.reportPolicyViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"} ${event.sample}`.trim());
    });
  });

  const answer = await page.goto(url);
  if (!answer) throw new Error(`${new URL(url).pathname} gave no answer`);
  return { page, answer, problems, requested };
}
