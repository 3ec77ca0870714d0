import { describe, expect, it } from "vitest";
import { responseProblems, type ObservedResponse } from "../support/contract.ts";
import { asApiGatewayWouldAnswer, GATEWAY_UNAUTHORIZED } from "../support/offline-emulation.ts";
import { fixtureDocument } from "./openapi-fixture.ts";

// serverless-offline's own refusal of a token stands for API Gateway's gateway response, and
// nothing else does.

const doc = fixtureDocument();
const offlineRefusal = (message = "Unauthorized") => JSON.stringify({ statusCode: 401, error: "Unauthorized", message });

function refusal(overrides: Partial<ObservedResponse> = {}): ObservedResponse {
  return { method: "GET", path: "/api/users", status: 401, contentType: "application/json; charset=utf-8", body: offlineRefusal(), headers: {}, ...overrides };
}

describe("asApiGatewayWouldAnswer", () => {
  it.each(["Unauthorized", "User is not authorized to access this resource"])(
    "takes serverless-offline's refusal (%s) on a route that needs a token as the gateway response",
    (message) => {
      const response = refusal({ body: offlineRefusal(message) });
      expect(responseProblems(doc, response)).toEqual(["the body must NOT have additional properties (statusCode)", "the body must NOT have additional properties (error)"]);
      const asGateway = asApiGatewayWouldAnswer(doc, response);
      expect(asGateway).toEqual({ ...response, ...GATEWAY_UNAUTHORIZED });
      expect(responseProblems(doc, asGateway)).toEqual([]);
    },
  );

  it.each<[string, Partial<ObservedResponse>]>([
    ["a handler's own 401", { body: '{"message":"This account no longer exists"}' }],
    ["another status", { status: 403, body: JSON.stringify({ statusCode: 401, error: "Unauthorized", message: "Unauthorized" }) }],
    ["another message", { body: offlineRefusal("Token expired") }],
    ["a body with more in it", { body: JSON.stringify({ statusCode: 401, error: "Unauthorized", message: "Unauthorized", stack: "…" }) }],
    ["a route where the token is optional", { method: "POST", path: "/api/sessions" }],
    ["a route without security", { path: "/api/board" }],
    ["a route the description does not have", { path: "/api/nothing" }],
    ["a body that is not JSON", { body: "Unauthorized" }],
  ])("leaves %s as it came", (_case, overrides) => {
    const response = refusal(overrides);
    expect(asApiGatewayWouldAnswer(doc, response)).toBe(response);
  });
});
