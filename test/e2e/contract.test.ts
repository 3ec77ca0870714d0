import { describe, expect, inject, it } from "vitest";
import { ContractViolation } from "../support/contract.ts";
import { apiDescription, call } from "../support/http.ts";

// The e2e client checks every answer against the OpenAPI description (test/support/http.ts): an
// answer it does not allow fails the call, unless the call says why it leaves the description.

/** The methods a probe tries on each path: the API's, and one it has on none. */
const PROBED_METHODS = ["get", "put", "post", "delete", "patch"];

describe("the e2e client's contract check", () => {
  it("fails a call whose answer the description does not allow", async () => {
    await expect(call("/api/no-such-route")).rejects.toThrow(ContractViolation);
    await expect(call("/api/test/all", { method: "DELETE" })).rejects.toThrow("/api/test/all has no DELETE operation");
  });

  it("lets a call leave the description when it says why", async () => {
    const preflight = await call("/api/auth/signin", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:8081", "Access-Control-Request-Method": "POST" },
      outsideContract: "a CORS preflight, which API Gateway answers itself (here plugins/local-gateway.js)",
    });
    expect([preflight.status, preflight.text]).toEqual([200, ""]);
  });

  it("is checked against the description the stage serves, whose server is this stage", async () => {
    const doc = await apiDescription();

    expect(doc.servers).toEqual([{ url: inject("baseUrl"), description: "This stage" }]);
  });

  it("has a description of exactly the routes the stage serves", async () => {
    // API Gateway (and the local stack, plugins/local-gateway.js) answers a method or path the API
    // does not have with 403 {"message":"Missing Authentication Token"}: every described operation
    // must reach a function, and no other method of its path. serverless.yml's routes are held to
    // the route table by the deploy test.
    const doc = await apiDescription();
    const probes = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      PROBED_METHODS.map((method) => ({ operation: `${method} ${path}`, described: method in (item as object), url: path.replace(/\{[^}]+\}/g, "1") })),
    );
    const routed: string[] = [];
    for (const probe of probes) {
      const answer = await call(probe.url, { method: probe.operation.split(" ")[0]!.toUpperCase(), outsideContract: "probing which methods the stage routes" });
      if (answer.status !== 403 || answer.text !== '{"message":"Missing Authentication Token"}') routed.push(probe.operation);
    }
    expect(routed.sort()).toEqual(probes.filter((probe) => probe.described).map((probe) => probe.operation).sort());
  });
});
