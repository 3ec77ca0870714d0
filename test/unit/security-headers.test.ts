import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "../../lib/http/security-headers.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The security headers every answer gets, and the headers an answer sets itself, which they keep.

function answering(headers: Record<string, string>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(securityHeaders())
    .handler(async () => ({ statusCode: 200, headers, body: "" }));
}

const PAGE_CSP = "default-src 'none'; script-src 'self'";

describe("securityHeaders", () => {
  it("keeps an HTML answer's own Content-Security-Policy, and adds the other headers for pages", async () => {
    // Act
    const answer = await answering({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PAGE_CSP })(httpEvent(), lambdaContext());

    // Assess: middy's own policy for pages would add sandbox and trusted-types 'none'.
    expect(answer.headers?.["Content-Security-Policy"]).toBe(PAGE_CSP);
    expect(answer.headers).toMatchObject({ "Cross-Origin-Embedder-Policy": "require-corp", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff" });
  });

  it("gives an HTML answer without a policy of its own one that allows nothing", async () => {
    const answer = await answering({ "Content-Type": "text/html; charset=utf-8" })(httpEvent(), lambdaContext());

    expect(answer.headers?.["Content-Security-Policy"]).toMatch(/^default-src 'none'/);
  });

  it("gives a JSON answer the API's policy and frame refusal", async () => {
    const answer = await answering({ "Content-Type": "application/json" })(httpEvent(), lambdaContext());

    expect(answer.headers).toMatchObject({
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
    });
  });
});
