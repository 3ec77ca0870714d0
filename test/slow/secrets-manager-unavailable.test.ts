import { assertAnswerConforms } from "../support/lambda-contract.ts";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { capturedOutput } from "../support/captured-output.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// Secrets Manager out of reach, as a function in a VPC with neither an endpoint nor a NAT sees
// it: the real SDK against local ports that refuse the connection or never answer. The route
// answers a 503 with one log line well within Lambda's 10 s timeout, rather than being ended by
// that timeout (API Gateway's bare 502).

const DB_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/database-url-AbCdEf";
/** The functions' timeout in serverless.yml: an answer must come before Lambda ends the call. */
const LAMBDA_TIMEOUT_MS = 10_000;

let silent: Server;
const sockets: Socket[] = [];
let silentEndpoint: string;

beforeAll(async () => {
  // Accepts connections and never says a word.
  silent = createServer((socket) => sockets.push(socket)).listen(0, "127.0.0.1");
  await new Promise((resolve) => silent.once("listening", resolve));
  silentEndpoint = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** The signin route in a fresh container whose Secrets Manager is at `endpoint`. */
async function signinWithSecretsManagerAt(endpoint: string) {
  vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "not-a-real-key");
  vi.stubEnv("DATABASE_URL", DB_ARN);
  const { handler } = await import("../../functions/signin.ts");
  return handler;
}

describe("Secrets Manager out of reach", () => {
  it.each([
    ["refuses the connection", () => "http://127.0.0.1:1", "ECONNREFUSED"],
    ["accepts it and never answers", () => silentEndpoint, "ETIMEDOUT"],
  ])("%s: the route answers 503 and logs one line with the cause and what to check", async (_, endpoint, code) => {
    // Prepare
    const handler = await signinWithSecretsManagerAt(endpoint());
    const lines = capturedOutput();
    const started = Date.now();

    // Act
    const event = httpEvent({ path: "/api/auth/signin", body: { username: "mona", password: "Qz7-password" } });
    const response = await handler(event as never, lambdaContext("signin"));

    // Assess
    expect(Date.now() - started).toBeLessThan(LAMBDA_TIMEOUT_MS);
    expect(response.statusCode).toBe(503);
    assertAnswerConforms(event, response);
    expect(JSON.parse(response.body)).toEqual({ message: "Service temporarily unavailable" });
    const logged = lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: "ERROR", message: "Secrets Manager unavailable", secret: DB_ARN, code });
    expect(String(logged[0]!.hint)).toMatch(/VPC endpoint or a NAT gateway/);
    expect(lines.join("")).not.toContain("Qz7-password");
  }, 15_000);
});
