import { describe, expect, inject, it } from "vitest";
import { call } from "../support/http.ts";

// The local stack answers where API Gateway answers itself as the deployed stage does
// (plugins/local-gateway.js): CORS for the stage's origins and headers only, preflights only for
// routes that have them, the stage's gateway responses, and the path as requested. The deploy
// test pins the same settings in the packaged template.

const ALLOWED = "http://localhost:8081";
const PREFLIGHT = "a CORS preflight, which API Gateway answers itself";
const MISSING = '{"message":"Missing Authentication Token"}';

function preflight(path: string, origin: string, method = "POST") {
  return call(path, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type" }, outsideContract: PREFLIGHT });
}

describe("CORS on the local stack", () => {
  it("answers the stage's origin's preflight with the stage's headers and methods, without credentials", async () => {
    const answer = await preflight("/api/auth/signin", ALLOWED);

    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(answer.headers.get("access-control-allow-headers")).toBe("Content-Type,Authorization");
    expect(answer.headers.get("access-control-allow-methods")).toBe("OPTIONS,POST");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it.each(["http://evil.com", "null", "http://localhost:8081.evil.com"])("allows Origin: %s neither in a preflight nor in an answer", async (origin) => {
    const before = await preflight("/api/auth/signin", origin);
    const answer = await call("/api/test/all", { headers: { Origin: origin } });

    for (const response of [before, answer]) {
      expect(response.headers.get("access-control-allow-origin")).not.toBe(origin);
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("exposes Retry-After to the stage's origin, and nothing of serverless-offline's", async () => {
    const answer = await call("/api/test/all", { headers: { Origin: ALLOWED } });

    expect(answer.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(answer.headers.get("access-control-expose-headers")).toBe("Retry-After");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it.each([
    ["a path the API does not have", "/api/no-such-route"],
    ["a route without CORS (the docs page loads from its own origin)", "/api/docs"],
  ])("refuses the preflight for %s with API Gateway's 403", async (_case, path) => {
    const answer = await preflight(path, ALLOWED, "GET");

    expect([answer.status, answer.text]).toEqual([403, MISSING]);
  });

  it("allows in a preflight only the methods its path has", async () => {
    const answer = await preflight("/api/test/all", ALLOWED, "DELETE");

    expect(answer.headers.get("access-control-allow-methods")).toBe("OPTIONS,GET");
  });
});

describe("API Gateway's own answers on the local stack", () => {
  it.each([
    ["no token", {}],
    ["a malformed token", { Authorization: "Bearer not.a.token" }],
  ])("refuses %s at the authorizer with the stage's UNAUTHORIZED gateway response", async (_case, headers) => {
    // Checked against the description like every answer: the Error schema, no serverless-offline body.
    const answer = await call("/api/auth/me", { headers });

    expect([answer.status, answer.text]).toEqual([401, '{"message":"Invalid or expired token"}']);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json\b/);
    // The gateway response's headers (GatewayResponseUnauthorized, resources/gateway-responses.yml).
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
  });

  it.each([
    ["GET", "/api/no-such-route"],
    ["DELETE", "/api/test/all"],
  ])("answers %s %s, which the API does not have, with 403 Missing Authentication Token", async (method, path) => {
    const answer = await call(path, { method, outsideContract: "a route the API does not have" });

    expect([answer.status, answer.text]).toEqual([403, MISSING]);
  });

  it("redirects GET /api/docs/ to the page, whose files then load", async () => {
    const slash = await fetch(`${inject("baseUrl")}/api/docs/`, { redirect: "manual" });
    expect(slash.status).toBe(301);
    const target = new URL(slash.headers.get("location")!, `${inject("baseUrl")}/api/docs/`);
    expect(target.href).toBe(`${inject("baseUrl")}/api/docs`);

    const page = await fetch(target);
    expect(page.status).toBe(200);
    const asset = /src="([^"]+\.js[^"]*)"/.exec(await page.text())?.[1];
    expect(asset).toBeDefined();
    expect((await fetch(new URL(asset!, target))).status).toBe(200);
  });
});
