import { execFile } from "node:child_process";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, exportJWK, jwtVerify, SignJWT, type JWTPayload } from "jose";
import jwt from "jsonwebtoken";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { call, newAccount, signIn, signUp, type Session } from "../support/http.ts";

// Another service verifying this API's access tokens on its own, knowing nothing but the API's
// address: it reads /.well-known/openid-configuration, takes the issuer and jwks_uri from it,
// and checks tokens with jose's createRemoteJWKSet, as its documentation shows.

interface Discovery {
  issuer: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: string[];
}

const account = newAccount("verifier");
let session: Session;
let discovery: Discovery;
let verify: (token: string) => Promise<JWTPayload>;

/** "refused" when the other service refuses the token, with jose's reason otherwise thrown. */
async function outcome(token: string): Promise<string> {
  return verify(token).then(
    () => "accepted",
    (error: unknown) => ((error as { code?: string }).code?.startsWith("ERR_J") ? "refused" : Promise.reject(error as Error)),
  );
}

/** A token's claims, read without checking anything. */
function claimsOf(token: string): JWTPayload {
  return jwt.decode(token) as JWTPayload;
}

describe("a service that verifies our tokens with the published keys", () => {
  beforeAll(async () => {
    expect((await signUp(account)).status).toBe(201);
    session = await signIn(account);
    const response = await call("/.well-known/openid-configuration");
    expect(response.status).toBe(200);
    discovery = response.json<Discovery>();
    const keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
    verify = async (token) => (await jwtVerify(token, keys, { issuer: discovery.issuer, audience: "serverless-auth-api", algorithms: discovery.id_token_signing_alg_values_supported })).payload;
  });

  it("finds the keys under the issuer the tokens carry, at the stage's address", async () => {
    expect(discovery.issuer).toBe(claimsOf(session.accessToken).iss);
    expect(discovery.issuer).toBe(inject("baseUrl"));
    expect(discovery.jwks_uri).toBe(`${inject("baseUrl")}/.well-known/jwks.json`);
    expect(discovery.id_token_signing_alg_values_supported).toEqual(["RS256"]);
  });

  it("accepts the token signin answers, reading the same claims the API does", async () => {
    const payload = await verify(session.accessToken);
    expect(payload).toMatchObject({ sub: String(session.id), username: account.username, roles: ["user"], email_verified: false });
  });

  it("serves one RSA key, named by its RFC 7638 thumbprint as the token's kid, with public parts only", async () => {
    const response = await call("/.well-known/jwks.json");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const { keys } = response.json<{ keys: Record<string, string>[] }>();
    expect(keys).toHaveLength(1);
    const [key] = keys as [Record<string, string>];
    expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: decodeProtectedHeader(session.accessToken).kid });
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: key.kty, n: key.n, e: key.e }));
  });

  it("refuses a token whose claims were changed after signing", async () => {
    const [header, , signature] = session.accessToken.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(session.accessToken), roles: ["admin"] })).toString("base64url");
    expect(await outcome(`${header}.${forged}.${signature}`)).toBe("refused");
  });

  it("refuses an expired token signed with the API's own key", async () => {
    const key = createPrivateKey(inject("jwtPrivateKey"));
    const kid = decodeProtectedHeader(session.accessToken).kid!;
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ ...claimsOf(session.accessToken), iat: past, exp: past + 900 })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid })
      .sign(key);
    expect(await outcome(expired)).toBe("refused");
  });

  it.each([
    ["with a kid the key set does not have", (kids: { own: string; foreign: string }) => kids.foreign],
    ["claiming the API's kid", (kids: { own: string; foreign: string }) => kids.own],
  ])("refuses a token signed by a foreign key pair %s", async (_case, kidOf) => {
    const foreign = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const foreignKid = await calculateJwkThumbprint(await exportJWK(foreign.publicKey));
    const token = await new SignJWT(claimsOf(session.accessToken))
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: kidOf({ own: decodeProtectedHeader(session.accessToken).kid!, foreign: foreignKid }) })
      .sign(foreign.privateKey);
    expect(await outcome(token)).toBe("refused");
  });

  it("refuses an HS256 token made with the API's HMAC secret: the secret is no published key", async () => {
    const hs256 = jwt.sign(claimsOf(session.accessToken), inject("jwtSecret"), { algorithm: "HS256" });
    expect(await outcome(hs256)).toBe("refused");
  });

  it("refuses a token of another issuer signed with the API's own key", async () => {
    const key = createPrivateKey(inject("jwtPrivateKey"));
    const kid = decodeProtectedHeader(session.accessToken).kid!;
    const foreignIssuer = await new SignJWT({ ...claimsOf(session.accessToken), iss: "https://elsewhere.example" })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid })
      .sign(key);
    expect(await outcome(foreignIssuer)).toBe("refused");
  });

  it("runs the README's jose example as it is written, with this stage's address and a signin token", async () => {
    // Prepare: the README's snippet, its example issuer replaced by this stage's.
    const readme = readFileSync("README.md", "utf8");
    const snippet = /## Tokens in other services[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toContain("createRemoteJWKSet");
    const example = /"(https:\/\/[^"]+)"; \/\/ the auth API's stage/.exec(snippet!)?.[1];
    expect(example).toBeDefined();
    const script = `const token = process.argv[1];\n${snippet!.replace(example!, inject("baseUrl"))}\nconsole.log(JSON.stringify(payload));`;

    // Act: in a process of its own, as another service would run it.
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--input-type=module", "-e", script, session.accessToken], (error, stdout, stderr) =>
        error ? reject(new Error(stderr)) : resolve(stdout),
      ),
    );

    // Assess
    expect(JSON.parse(printed)).toMatchObject({ sub: String(session.id), username: account.username, roles: ["user"] });
  });
});
