import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyResult, Context } from "aws-lambda";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handler as jwks } from "../../functions/jwks.ts";
import { handler as openidConfiguration } from "../../functions/openid-configuration.ts";
import { handler as signin } from "../../functions/signin.ts";
import { handler as signup } from "../../functions/signup.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { newAccount } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";
import { putSecretValue, resetSecretsManager } from "../support/secrets-manager.ts";

// A key rotation as a service verifying our tokens sees it: the signing key lives in (a fake of)
// Secrets Manager as on a deployed stage, the handlers answer the exact API Gateway events, and
// the two /.well-known routes are served over HTTP to jose's createRemoteJWKSet, which knows
// nothing but the discovery document's address. A rotation is `put-secret-value`; resetConfig()
// stands for SECRETS_MAX_AGE passing, after which every container has read the new version.

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-signing-key-AbCdEf";
type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;
const WELL_KNOWN: Record<string, Handler> = { "/.well-known/jwks.json": jwks, "/.well-known/openid-configuration": openidConfiguration };

const saved = { ...process.env };
let server: Server;
let stageUrl: string;

/** Serves the two routes at `/prod/...` as API Gateway would hand them to their functions. */
async function serveWellKnown(): Promise<void> {
  server = createServer((request, response) => {
    const path = request.url?.replace(/^\/prod/, "") ?? "";
    const handler = WELL_KNOWN[path];
    if (!handler) return void response.writeHead(404).end();
    void handler(httpEvent({ path }) as never, lambdaContext()).then((answer) => {
      // The runtime sends the answer as JSON, which drops a header set to undefined; node:http throws.
      const headers = Object.entries(answer.headers ?? {}).filter(([, value]) => value !== undefined);
      response.writeHead(answer.statusCode, Object.fromEntries(headers) as Record<string, string>).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.LOCAL_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stageUrl = `${process.env.LOCAL_API_URL}/prod`;
}

/** A verifier that has just fetched the discovery document and will fetch the key set. */
async function newVerifier(): Promise<(token: string) => Promise<"accepted" | "refused">> {
  const discovery = (await (await fetch(`${stageUrl}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
  const keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
  return (token) =>
    jwtVerify(token, keys, { issuer: discovery.issuer, audience: "serverless-auth-api", algorithms: ["RS256", "ES256"] }).then(
      () => "accepted",
      () => "refused",
    );
}

const account = newAccount("rotation");

async function signedIn(): Promise<string> {
  const answer = await signin(httpEvent({ path: "/api/auth/signin", body: { username: account.username, password: account.password } }) as never, lambdaContext());
  expect(answer.statusCode).toBe(200);
  return (JSON.parse(answer.body) as { accessToken: string }).accessToken;
}

function rotate(pem: string): void {
  putSecretValue(ARN, pem);
  resetConfig();
}

beforeAll(async () => {
  await serveWellKnown();
  process.env.JWT_ISSUER = stageUrl;
  process.env.JWT_PRIVATE_KEY = ARN;
  delete process.env.ACCESS_TOKEN_ALG;
  resetSecretsManager();
  rotate(newSigningKeyPem("RS256"));
  const created = await signup(httpEvent({ path: "/api/auth/signup", body: account }) as never, lambdaContext());
  expect(created.statusCode).toBe(201);
});

afterAll(async () => {
  vi.useRealTimers();
  process.env = { ...saved };
  resetConfig();
  await new Promise((resolve) => server.close(resolve));
  await disconnectPrisma();
});

describe("a verifier that knows only the discovery document's address", () => {
  it("accepts tokens of the old key and of the new one after a rotation, the new ones carrying the new kid", async () => {
    // Prepare: a token signed before the rotation, and a verifier that has seen it.
    const before = await signedIn();
    const early = await newVerifier();
    expect(await early(before)).toBe("accepted");

    // Act
    rotate(newSigningKeyPem("RS256"));
    const after = await signedIn();

    // Assess: the new kid; both tokens verify, for a verifier fetching the keys now and for one
    // whose copy predates the rotation (it fetches the set again for a kid it does not know).
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    const late = await newVerifier();
    expect([await late(before), await late(after)]).toEqual(["accepted", "accepted"]);
    expect(await early(before)).toBe("accepted");
    const { keys } = (await (await fetch(`${stageUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(keys.map((key) => key.kid)).toEqual([decodeProtectedHeader(after).kid, decodeProtectedHeader(before).kid]);
  });

  it("refuses the old key's tokens once they expire, and once a second rotation has dropped the key", async () => {
    // Prepare: a token of the current key, which the next rotation makes the previous one.
    const old = await signedIn();
    rotate(newSigningKeyPem("ES256"));
    const verifier = await newVerifier();
    expect(await verifier(old)).toBe("accepted");
    expect(decodeProtectedHeader(await signedIn()).alg).toBe("ES256");

    // Act / Assess: past its exp (15 minutes) it is refused ...
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 901 * 1000);
    expect(await verifier(old)).toBe("refused");
    vi.useRealTimers();

    // ... and so it is, still within its life, once its key is neither current nor previous.
    rotate(newSigningKeyPem("RS256"));
    expect(await (await newVerifier())(old)).toBe("refused");
  });
});
