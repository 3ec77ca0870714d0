import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterAll, describe, expect, inject, it } from "vitest";
import { adminBoard, publicBoard } from "../../functions/boards.ts";
import { handler as signup } from "../../functions/signup.ts";
import { handler as signin } from "../../functions/signin.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { newAccount } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The handlers' own CORS headers, through the exact Lambda event shapes: serverless-offline adds
// CORS headers of its own to every answer, so over HTTP it would hide a missing one.

const ALLOWED = inject("corsOrigin");

/** The JSON routes are typed for the event after parsing; Lambda hands them the raw one. */
function post(handler: (event: never, context: Context) => Promise<APIGatewayProxyResult>, event: APIGatewayProxyEvent) {
  return handler(event as never, lambdaContext());
}
const OTHER = "https://evil.example";

describe("CORS on handler answers", () => {
  afterAll(disconnectPrisma);

  it("allows the configured origin on success and on every kind of error", async () => {
    const account = newAccount("cors");
    const origin = { Origin: ALLOWED };
    const answers = [
      await post(signup, httpEvent({ body: account, headers: origin })),
      await post(signup, httpEvent({ body: account, headers: origin })),
      await post(signup, httpEvent({ body: {}, headers: origin })),
      await post(signup, httpEvent({ method: "POST", headers: { ...origin, "Content-Type": "application/json" } })),
      await post(signin, httpEvent({ body: { username: account.username, password: "wrong-pass" }, headers: origin })),
      await publicBoard(httpEvent({ headers: origin }), lambdaContext()),
      await adminBoard(httpEvent({ headers: origin, authorizer: { userId: 1, username: "u", roles: "user" } }), lambdaContext()),
    ];
    expect(answers.map(({ statusCode }) => statusCode)).toEqual([201, 409, 400, 400, 401, 200, 403]);
    for (const answer of answers) {
      expect(answer.headers?.["Access-Control-Allow-Origin"]).toBe(ALLOWED);
      expect(String(answer.headers?.Vary)).toMatch(/origin/i);
    }
  });

  it("names no origin for one that is not configured, nor a wildcard", async () => {
    const answer = await publicBoard(httpEvent({ headers: { Origin: OTHER } }), lambdaContext());
    expect(answer.statusCode).toBe(200);
    expect([undefined, ALLOWED]).toContain(answer.headers?.["Access-Control-Allow-Origin"]);
    expect(answer.headers?.["Access-Control-Allow-Origin"]).not.toBe("*");
  });

  it("reads the Origin header whatever its case, as browsers and proxies vary", async () => {
    const answer = await publicBoard(httpEvent({ headers: { origin: ALLOWED } }), lambdaContext());
    expect(answer.headers?.["Access-Control-Allow-Origin"]).toBe(ALLOWED);
  });

  it("sends the security headers a browser honours", async () => {
    const answer = await publicBoard(httpEvent(), lambdaContext());
    expect(answer.headers?.["X-Content-Type-Options"]).toBe("nosniff");
    expect(answer.headers?.["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
  });
});
