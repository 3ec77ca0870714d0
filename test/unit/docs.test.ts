import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { handler } from "../../functions/docs.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// GET /api/docs and GET /api/docs/assets/{file} through Lambda event shapes. The browser's view
// of the page (rendering, policy violations, "Try it out") is test/e2e/docs-page.test.ts.

const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SWAGGER_UI_VERSION = (JSON.parse(readFileSync("node_modules/swagger-ui-dist/package.json", "utf8")) as { version: string }).version;

function page(path = "/api/docs") {
  return handler(httpEvent({ path }), lambdaContext("docs"));
}

function asset(file: string, version?: string) {
  const event = httpEvent({ path: `/api/docs/assets/${file}`, pathParameters: { file }, query: version === undefined ? undefined : { v: version } });
  return handler({ ...event, resource: "/api/docs/assets/{file}" }, lambdaContext("docs"));
}

/** The page's asset URLs, as written in it: `docs/assets/<file>?v=<version>`. */
function assetUrls(html: string): URL[] {
  return [...html.matchAll(/(?:src|href)="(docs\/assets\/[^"]+)"/g)].map(([, url]) => new URL(url!, "https://x.example/prod/api/docs"));
}

describe("GET /api/docs", () => {
  it("answers the page with its own strict policy, for the browser to check again every time", async () => {
    const answer = await page();

    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": STRICT_CSP, "Cache-Control": "no-cache" });
    expect(answer.headers?.["Permissions-Policy"]).toMatch(/^accelerometer=\(\), /);
  });

  it("holds no inline script or style, and loads Swagger UI and its start from this function", async () => {
    const { body } = await page();

    expect([...body.matchAll(/<script\b[^>]*>([^<]*)<\/script>/g)].map(([tag, content]) => [/\ssrc="/.test(tag), content])).toEqual([
      [true, ""],
      [true, ""],
    ]);
    expect(body).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
    expect(assetUrls(body).map((url) => url.pathname)).toEqual([
      "/prod/api/docs/assets/swagger-ui.css",
      "/prod/api/docs/assets/swagger-ui-bundle.js",
      "/prod/api/docs/assets/docs-init.js",
    ]);
    // Nothing absolute: the page works behind any stage prefix or custom domain.
    expect(body).not.toMatch(/(?:src|href)="(?:[a-z]+:\/\/|\/)/);
  });

  it.each([
    ["/api/docs/", "https://x.example/prod/api/docs/"],
    ["/api/docs//", "https://x.example/prod/api/docs//"],
    ["/api/docs/", "https://api.example.com/api/docs/"],
  ])("sends %s to /api/docs, where the page's relative URLs resolve (from %s)", async (path, requested) => {
    const answer = await page(path);

    expect(answer.statusCode).toBe(301);
    const location = String(answer.headers?.Location);
    expect(new URL(location, requested).href).toBe(requested.replace(/\/+$/, ""));
  });
});

describe("GET /api/docs/assets/{file}", () => {
  it.each([
    ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
    ["swagger-ui.css", "text/css; charset=utf-8"],
  ])("answers Swagger UI's %s, as installed, cached for a year under the page's versioned URL", async (file, contentType) => {
    const answer = await asset(file, SWAGGER_UI_VERSION);

    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({ "Content-Type": contentType, "Cache-Control": "public, max-age=31536000, immutable" });
    expect(answer.body).toBe(readFileSync(`node_modules/swagger-ui-dist/${file}`, "utf8"));
  });

  it("answers every URL the page gives, cached for a year, the start script too", async () => {
    const { body } = await page();

    for (const url of assetUrls(body)) {
      const answer = await asset(url.pathname.split("/").pop()!, url.searchParams.get("v") ?? undefined);
      expect(answer.statusCode, url.href).toBe(200);
      expect(answer.headers?.["Cache-Control"], url.href).toBe("public, max-age=31536000, immutable");
    }
  });

  it("starts Swagger UI on the description beside the page, with no outside validator", async () => {
    const answer = await asset("docs-init.js");

    expect(answer.headers?.["Content-Type"]).toBe("text/javascript; charset=utf-8");
    expect(answer.body).toContain('url: "docs/openapi.json"');
    expect(answer.body).toContain("validatorUrl: null");
  });

  it.each([[undefined], ["4.0.0"], [""]])("has its files checked again every time when asked without the current version (v=%s)", async (version) => {
    const answer = await asset("swagger-ui.css", version);

    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.["Cache-Control"]).toBe("no-cache");
  });

  it.each(["index.html", "swagger-ui.css.map", "constructor", "__proto__", "..%2Fpackage.json"])("answers 404 for %s, as JSON", async (file) => {
    const answer = await asset(file);

    expect(answer.statusCode).toBe(404);
    expect(answer.headers?.["Content-Type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ message: "No such file among the docs page's assets" });
  });
});
