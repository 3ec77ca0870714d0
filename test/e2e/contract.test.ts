import { describe, expect, inject, it } from "vitest";
import { ContractViolation } from "../support/contract.ts";
import { apiDescription, call } from "../support/http.ts";

// The e2e client checks every answer against the OpenAPI description (test/support/http.ts): an
// answer it does not allow fails the call, unless the call says why it leaves the description.

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

describe("the e2e client's contract check", () => {
  it("fails a call whose answer the description does not allow", async () => {
    await expect(call("/api/no-such-route")).rejects.toThrow(ContractViolation);
    await expect(call("/api/test/all", { method: "DELETE" })).rejects.toThrow("/api/test/all has no DELETE operation");
  });

  it("lets a call leave the description when it says why", async () => {
    const preflight = await call("/api/auth/signin", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:8081", "Access-Control-Request-Method": "POST" },
      outsideContract: "a CORS preflight, which serverless-offline answers itself",
    });
    expect([preflight.status, preflight.text]).toEqual([200, ""]);
  });

  it("is checked against the description the stage serves, whose server is this stage", async () => {
    const doc = await apiDescription();

    expect(doc.servers).toEqual([{ url: inject("baseUrl"), description: "This stage" }]);
  });

  it("has a description of exactly the routes the stage serves", async () => {
    // serverless-offline's own 404 lists its routes ("post - /dev/api/auth/signin"); API Gateway
    // answers 403 {"message":"Missing Authentication Token"} instead.
    const unknown = await call("/api/no-such-route", { outsideContract: "a route that does not exist, to read serverless-offline's list of routes" });
    const served = unknown.json<{ existingRoutes: string[] }>().existingRoutes.map((route) => route.replace(/^(\w+) - \/[^/]+/, "$1 "));
    const doc = await apiDescription();
    const described = Object.entries(doc?.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item as object).filter((key) => METHODS.includes(key)).map((method) => `${method} ${path}`),
    );
    expect(described.sort()).toEqual(served.sort());
  });
});
