import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";
import { handler } from "../../functions/authorizer.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { capturedOutput } from "../support/captured-output.ts";
import { lambdaContext, METHOD_ARN_PREFIX, tokenAuthorizerEvent } from "../support/lambda-events.ts";

// The authorizer through API Gateway's TOKEN event, as deployed.

function accessToken(claims: object = {}): string {
  return jwt.sign({ username: "mona", roles: ["user", "moderator"], ...claims }, process.env.JWT_SECRET!, {
    subject: "42",
    issuer: "serverless-auth-api",
    audience: "serverless-auth-api",
    expiresIn: 60,
  });
}

describe("authorizer", () => {
  it("allows the whole stage, so a cached answer serves every route", async () => {
    // Prepare
    const event = tokenAuthorizerEvent(`Bearer ${accessToken()}`, "GET/api/test/mod");
    // Act
    const result = await handler(event);
    // Assess
    expect(result.principalId).toBe("42");
    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: `${METHOD_ARN_PREFIX}/*` },
    ]);
  });

  it("puts userId, username and comma-separated roles into the context, all scalars", async () => {
    const result = await handler(tokenAuthorizerEvent(`Bearer ${accessToken()}`));
    expect(result.context).toEqual({ userId: 42, username: "mona", roles: "user,moderator" });
    for (const value of Object.values(result.context ?? {})) expect(["string", "number", "boolean"]).toContain(typeof value);
  });

  it.each([
    ["a missing scheme", () => accessToken()],
    ["garbage", () => "Bearer not.a.jwt"],
    ["an expired token", () => `Bearer ${jwt.sign({ username: "x", roles: [], exp: 1 }, process.env.JWT_SECRET!)}`],
    ["an unknown role", () => `Bearer ${accessToken({ roles: ["root"] })}`],
  ])("throws exactly 'Unauthorized' (API Gateway's 401) for %s", async (_case, authorization) => {
    await expect(handler(tokenAuthorizerEvent(authorization()))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe("authorizer faults", () => {
  afterEach(() => {
    resetConfig();
  });

  it("logs a configuration fault as one JSON error line naming it, and fails (API Gateway's 500)", async () => {
    // Prepare
    const secret = process.env.JWT_SECRET!;
    process.env.JWT_SECRET = "too-short";
    resetConfig();
    const lines = capturedOutput();
    // Act
    const outcome = handler(tokenAuthorizerEvent(`Bearer ${accessToken()}`), lambdaContext("authorizer")).catch((error: Error) => error);
    const error = await outcome;
    process.env.JWT_SECRET = secret;
    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("JWT_SECRET must be at least 32 characters");
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({ level: "ERROR", message: "Authorizer failed", function_name: "authorizer", cold_start: expect.any(Boolean) }),
    ]);
    expect(lines.join("")).not.toContain("too-short");
  });
});
