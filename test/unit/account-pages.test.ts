import { Script } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { handler } from "../../functions/account-pages.ts";
import { ROUTES } from "../../lib/routes/routes.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// GET /api/auth/reset-password, GET /api/auth/verify-email and GET /api/auth/pages/{file} through
// Lambda event shapes. The browser's view (the forms at work, policy violations) is
// test/e2e/account-pages.test.ts.

const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const PAGES = [
  ["/api/auth/reset-password", "/prod/api/auth/password/reset"],
  ["/api/auth/verify-email", "/prod/api/auth/email/verify"],
] as const;
/** Where a page's relative URLs are resolved from: a deployed stage's page. */
const stageUrl = (path: string) => `https://x.example/prod${path}`;

function page(resource: string, path = resource) {
  return handler({ ...httpEvent({ path }), resource }, lambdaContext("accountPages"));
}

function asset(file: string, version?: string) {
  const event = httpEvent({ path: `/api/auth/pages/${file}`, pathParameters: { file }, query: version === undefined ? undefined : { v: version } });
  return handler({ ...event, resource: "/api/auth/pages/{file}" }, lambdaContext("accountPages"));
}

/** The page's file URLs, as written in it, resolved from the page's own URL. */
function assetUrls(html: string, pagePath: string): URL[] {
  return [...html.matchAll(/(?:src|href)="(pages\/[^"]+)"/g)].map(([, url]) => new URL(url!, stageUrl(pagePath)));
}

afterEach(() => {
  delete process.env.PRODUCT_NAME;
});

describe.each(PAGES)("GET %s", (path, postsTo) => {
  it("answers the page under the docs page's strict policy, for the browser to check again every time", async () => {
    const answer = await page(path);

    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": STRICT_CSP, "Cache-Control": "no-cache" });
    expect(answer.headers?.["Permissions-Policy"]).toMatch(/^accelerometer=\(\), /);
  });

  it("holds no inline script or style, and loads its script and style sheet from beside itself", async () => {
    const { body } = await page(path);

    expect([...body.matchAll(/<script\b[^>]*>([^<]*)<\/script>/g)].map(([tag, content]) => [/\ssrc="/.test(tag), content])).toEqual([[true, ""]]);
    expect(body).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
    expect(assetUrls(body, path).map((url) => url.pathname).sort()).toEqual(["/prod/api/auth/pages/account-pages.css", "/prod/api/auth/pages/account-pages.js"]);
    // Nothing absolute: the page works behind any stage prefix or custom domain.
    expect(body).not.toMatch(/(?:src|href|data-endpoint)="(?:[a-z]+:\/\/|\/)/);
  });

  it(`has its form post, relative to the page, to ${postsTo}, a POST route of the table`, async () => {
    const { body } = await page(path);

    const endpoint = /<form id="account-form" data-endpoint="([^"]+)" hidden>/.exec(body)?.[1];
    expect(new URL(endpoint!, stageUrl(path)).pathname).toBe(postsTo);
    expect(ROUTES.filter((route) => route.method === "post").map((route) => `/prod${route.path}`)).toContain(postsTo);
  });

  it("labels every field", async () => {
    const { body } = await page(path);

    const inputs = [...body.matchAll(/<input id="([^"]+)"/g)].map(([, id]) => id);
    const labels = [...body.matchAll(/<label for="([^"]+)">[^<]+<\/label>/g)].map(([, id]) => id);
    expect(labels).toEqual(inputs);
  });

  it("names the product the stage sets, escaped as HTML", async () => {
    process.env.PRODUCT_NAME = `<script>alert("x")</script> & O'Brien`;

    const { body } = await page(path);

    expect(body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien");
    expect(body).not.toContain("<script>alert");
  });

  it.each([[undefined], [""], ["   "]])("names the account neutrally when PRODUCT_NAME is %j", async (name) => {
    if (name !== undefined) process.env.PRODUCT_NAME = name;

    const { body } = await page(path);

    expect(body).toMatch(/for your account[.:]/);
  });

  it("sends the path with a trailing slash to the page, where its relative URLs resolve", async () => {
    const requested = stageUrl(`${path}/`);

    const answer = await page(path, `${path}/`);

    expect(answer.statusCode).toBe(301);
    expect(new URL(String(answer.headers?.Location), requested).href).toBe(stageUrl(path));
  });
});

describe("GET /api/auth/pages/{file}", () => {
  it.each(PAGES)("answers every URL %s gives, cached for a year", async (path) => {
    const { body } = await page(path);

    for (const url of assetUrls(body, path)) {
      const answer = await asset(url.pathname.split("/").pop()!, url.searchParams.get("v") ?? undefined);
      expect(answer.statusCode, url.href).toBe(200);
      expect(answer.headers?.["Cache-Control"], url.href).toBe("public, max-age=31536000, immutable");
    }
  });

  it.each([
    ["account-pages.js", "text/javascript; charset=utf-8"],
    ["account-pages.css", "text/css; charset=utf-8"],
  ])("has %s checked again every time when asked without the current version", async (file, contentType) => {
    const answer = await asset(file, "0");

    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({ "Content-Type": contentType, "Cache-Control": "no-cache" });
  });

  it("answers a script that parses, and that reads the token from the fragment", async () => {
    const { body } = await asset("account-pages.js");

    expect(() => new Script(body)).not.toThrow();
    expect(body).toContain("new URLSearchParams(location.hash.slice(1)).get(\"token\")");
  });

  it.each(["index.html", "account-pages.js.map", "docs-init.js", "constructor", "__proto__", "..%2Fpackage.json"])("answers 404 for %s, as JSON", async (file) => {
    const answer = await asset(file);

    expect(answer.statusCode).toBe(404);
    expect(answer.headers?.["Content-Type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ message: "No such file among the account pages' files" });
  });
});
