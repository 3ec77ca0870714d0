import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractZip, packageProdStage } from "../support/packaged.ts";

// The authorizer as Lambda runs it: the packaged zip's bundle, in plain Node, called with API
// Gateway's TOKEN event. API Gateway caches its answer per token (the template's TTL) and reuses
// it on every route, which works only because the policy allows the whole stage.

const SECRET = "a-key-for-the-packaged-authorizer-test-0123456789";
const API = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234";

let scratch: string;
let bundleDir: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

type Answer = { result?: APIGatewayAuthorizerResult; error?: string };

/** The packaged handler's answer to one TOKEN event, or its error message. */
function authorize(authorizationToken: string, methodArn: string): Promise<Answer> {
  const script = `
    const { handler } = await import("./functions/authorizer.mjs");
    const event = { type: "TOKEN", authorizationToken: process.argv[1], methodArn: process.argv[2] };
    try { console.log(JSON.stringify({ result: await handler(event) })); }
    catch (error) { console.log(JSON.stringify({ error: error.message })); }`;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script, authorizationToken, methodArn],
      { cwd: bundleDir, env: { PATH: process.env.PATH, JWT_SECRET: SECRET } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Answer)),
    ),
  );
}

function token(secret = SECRET): string {
  return jwt.sign({ username: "mona", roles: ["user", "moderator"] }, secret, {
    subject: "42",
    issuer: "serverless-auth-api",
    audience: "serverless-auth-api",
    expiresIn: 60,
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "auth-api-authorizer-"));
  await packageProdStage(join(scratch, "package"), { CORS_ORIGINS: "https://app.example.com", ESBUILD_WORK_FOLDER: `.esbuild-test-authorizer-${process.pid}` });
  template = JSON.parse(readFileSync(join(scratch, "package", "cloudformation-template-update-stack.json"), "utf8"));
  bundleDir = join(scratch, "authorizer");
  await extractZip(join(scratch, "package", "authorizer.zip"), bundleDir);
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the packaged authorizer", () => {
  it("is cached by API Gateway per token, and its answer allows every route of the stage", async () => {
    const [authorizer] = Object.values(template.Resources).filter((resource) => resource.Type === "AWS::ApiGateway::Authorizer");
    expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBe(60);

    const { result } = await authorize(`Bearer ${token()}`, `${API}/prod/GET/api/test/mod`);

    expect(result?.principalId).toBe("42");
    expect(result?.policyDocument.Statement).toEqual([{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `${API}/prod/*` }]);
    expect(result?.context).toEqual({ userId: 42, username: "mona", roles: "user,moderator" });
  });

  it("answers exactly Unauthorized (API Gateway's 401) for a token signed with another key", async () => {
    const answer = await authorize(`Bearer ${token("another-key-of-at-least-32-characters-0123")}`, `${API}/prod/GET/api/test/user`);
    expect(answer).toEqual({ error: "Unauthorized" });
  });
});
