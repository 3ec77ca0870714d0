import { createPublicKey } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { handler as jwks } from "../../functions/jwks.ts";
import { handler as openidConfiguration } from "../../functions/openid-configuration.ts";
import { jwkThumbprint } from "../../lib/auth/key-ring.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { jwksRoute, openidConfigurationRoute } from "../../lib/routes/key-routes.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The two /.well-known routes through their handlers, with API Gateway's event: what they publish
// for each kind of stage. test/e2e/remote-verifier.test.ts checks them with jose over HTTP.

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

async function get(handler: typeof jwks, path: string) {
  const answer = await handler(httpEvent({ path }), lambdaContext());
  return { status: answer.statusCode, headers: answer.headers ?? {}, body: JSON.parse(answer.body) as Record<string, unknown> };
}

describe("GET /.well-known/jwks.json", () => {
  it.each(["RS256", "ES256"] as const)("serves the %s key pair's public key alone, named by its thumbprint, cached for 5 minutes", async (alg) => {
    // Prepare
    const pem = newSigningKeyPem(alg);
    process.env.JWT_PRIVATE_KEY = pem;
    resetConfig();
    const publicJwk = createPublicKey(pem).export({ format: "jwk" });

    // Act
    const { status, headers, body } = await get(jwks, "/.well-known/jwks.json");

    // Assess: the public members only (an RSA private key's d, p, q, … or an EC key's d never).
    expect(status).toBe(200);
    expect(headers["Cache-Control"]).toBe("public, max-age=300");
    expect(body).toEqual({ keys: [{ ...publicJwk, kid: jwkThumbprint(publicJwk), alg, use: "sig" }] });
    expect(JSON.stringify(body)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
  });

  it("serves an empty set for a stage that signs with HS256 and has no key pair", async () => {
    process.env.ACCESS_TOKEN_ALG = "HS256";
    delete process.env.JWT_PRIVATE_KEY;
    resetConfig();
    expect((await get(jwks, "/.well-known/jwks.json")).body).toEqual({ keys: [] });
  });
});

describe("GET /.well-known/openid-configuration", () => {
  it("names the tokens' issuer, the key set at this stage's address and the keys' algorithm", async () => {
    process.env.JWT_PRIVATE_KEY = newSigningKeyPem("ES256");
    process.env.JWT_ISSUER = "https://auth.example.com/prod";
    process.env.LOCAL_API_URL = "http://127.0.0.1:4000";
    resetConfig();

    const { status, headers, body } = await get(openidConfiguration, "/.well-known/openid-configuration");

    expect(status).toBe(200);
    expect(headers["Cache-Control"]).toBe("public, max-age=300");
    expect(body).toEqual({
      issuer: "https://auth.example.com/prod",
      jwks_uri: "http://127.0.0.1:4000/prod/.well-known/jwks.json",
      id_token_signing_alg_values_supported: ["ES256"],
      subject_types_supported: ["public"],
      claims_supported: ["iss", "sub", "aud", "exp", "iat", "username", "roles", "email_verified"],
    });
  });
});

describe("GET /.well-known/openid-configuration on a stage that signs with HS256", () => {
  it("names no algorithm, though the JWKS holds the key pair kept for a switch", async () => {
    process.env.ACCESS_TOKEN_ALG = "HS256";
    process.env.JWT_PRIVATE_KEY = newSigningKeyPem("RS256");
    resetConfig();

    const discovery = await get(openidConfiguration, "/.well-known/openid-configuration");
    const keySet = await get(jwks, "/.well-known/jwks.json");

    expect(discovery.body.id_token_signing_alg_values_supported).toEqual([]);
    expect(keySet.body.keys).toHaveLength(1);
  });
});

describe("the routes' examples", () => {
  it("show a key whose kid is its RFC 7638 thumbprint (RFC 7638's own example key)", () => {
    const [key] = jwksRoute.success.example.keys;
    expect(jwkThumbprint(key)).toBe(key.kid);
    expect(openidConfigurationRoute.success.example.jwks_uri).toBe(`${openidConfigurationRoute.success.example.issuer}/.well-known/jwks.json`);
  });
});
