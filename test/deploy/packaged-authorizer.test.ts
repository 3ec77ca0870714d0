import { execFile } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwkThumbprint } from "../../lib/auth/key-ring.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { extractZip, packageProdStage } from "../support/packaged.ts";

// The authorizer as Lambda runs it: the packaged zip's bundle, in plain Node, called with API
// Gateway's TOKEN event. API Gateway caches its answer per token (the template's TTL) and reuses
// it on every route, which works only because the policy allows the whole stage.

// The stage's default: an RS256 key pair, which the authorizer checks tokens with.
const PRIVATE_KEY = newSigningKeyPem("RS256");
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
      { cwd: bundleDir, env: { PATH: process.env.PATH, JWT_PRIVATE_KEY: PRIVATE_KEY } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Answer)),
    ),
  );
}

/** A token signed by `privateKey`, its header naming the key as our signer does. */
function token(privateKey = PRIVATE_KEY): string {
  return jwt.sign({ username: "mona", roles: ["user", "moderator"] }, privateKey, {
    algorithm: "RS256",
    keyid: jwkThumbprint(createPublicKey(privateKey).export({ format: "jwk" })),
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
    const answer = await authorize(`Bearer ${token(newSigningKeyPem("RS256"))}`, `${API}/prod/GET/api/test/user`);
    expect(answer).toEqual({ error: "Unauthorized" });
  });
});
