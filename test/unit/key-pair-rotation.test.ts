import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from "jose";
import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keyIdOf } from "../../lib/auth/key-ring.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { FORMER_DEFAULT_ISSUER } from "../../lib/auth/token-verification.ts";
import { getSecretValueCalls, putSecretValue, resetSecretsManager, secretsManagerMock } from "../support/secrets-manager.ts";
import { MONA, newContainer, type Container } from "../support/token-container.ts";
import { capturedOutput } from "../support/captured-output.ts";

// Rotating the key pair (RS256, ES256) of a deployed stage, and switching a stage from HS256 to
// a key pair: JWT_PRIVATE_KEY names a Secrets Manager secret whose versions hold PEMs, and
// `put-secret-value` makes a new AWSCURRENT and moves AWSPREVIOUS to the key it replaced, as for
// the HMAC secret (key-ring.test.ts). Each container is a fresh instance of the modules (as a
// Lambda container is), with its own key ring read from the mocked Secrets Manager.

const PAIR_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-private-key-AbCdEf";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-secret-AbCdEf";
const [RSA_1, RSA_2, RSA_3] = [1, 2, 3].map(() => newSigningKeyPem("RS256")) as [string, string, string];
const EC_1 = newSigningKeyPem("ES256");
const [HMAC_1, HMAC_2] = ["1", "2"].map((digit) => `key-${digit}-`.padEnd(64, digit)) as [string, string];
const ISSUER = "serverless-auth-api";
const NOW_MS = 1_800_000_000_000;
const saved = { ...process.env };



/** A container that has signed and checked a token, so has read its key ring: `pem` alone, for now. */
async function warmContainerWith(pem: string): Promise<Container> {
  putSecretValue(PAIR_ARN, pem);
  const warm = await newContainer();
  await warm.verify(await warm.sign());
  return warm;
}

/** The key pair's id as any verifier computes it from the JWKS: its RFC 7638 thumbprint, by jose. */
function thumbprint(pem: string): Promise<string> {
  return calculateJwkThumbprint(createPublicKey(pem).export({ format: "jwk" }));
}

/** A token as our signer writes it, signed by jsonwebtoken with `key` in `alg`, with these header fields. */
function tokenSignedWith(key: string, alg: "RS256" | "ES256" | "HS256", header: { kid?: string }, issuer = ISSUER): string {
  return jwt.sign({ username: MONA.username, roles: MONA.roles }, key, {
    algorithm: alg,
    subject: String(MONA.userId),
    issuer,
    audience: ISSUER,
    expiresIn: 900,
    header: { alg, typ: "JWT", ...header },
  });
}

function headerOf(token: string): jwt.JwtHeader | undefined {
  return jwt.decode(token, { complete: true })?.header;
}

/** "refused" for the 401 a bad token gets, or what happened instead. */
async function outcome(container: Container, token: string): Promise<unknown> {
  return container.verify(token).then(
    (claims) => claims,
    // Each container has its own copy of the error classes: compare what they say.
    (error: unknown) => (error instanceof Error && error.name === "UnauthorizedError" && error.message === "Invalid or expired token" ? "refused" : error),
  );
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_MS);
  resetSecretsManager();
  // A stage that signs with its key pair (RS256 is the default) and has no HMAC secret, unless a
  // test says otherwise.
  delete process.env.ACCESS_TOKEN_ALG;
  process.env.JWT_PRIVATE_KEY = PAIR_ARN;
  delete process.env.JWT_SECRET;
});

afterEach(() => {
  vi.useRealTimers();
  process.env = { ...saved };
});

describe("key pair ids", () => {
  it("name the current key pair by its RFC 7638 thumbprint, in the header of every token signed", async () => {
    putSecretValue(PAIR_ARN, RSA_1);
    const token = await (await newContainer()).sign();
    expect(headerOf(token)).toEqual({ alg: "RS256", typ: "JWT", kid: await thumbprint(RSA_1) });
  });
});

describe("a rotation of the key pair", () => {
  it("leaves tokens signed with the key pair it replaced valid, and signs new ones under the new thumbprint", async () => {
    // Prepare: a token signed before the rotation.
    putSecretValue(PAIR_ARN, RSA_1);
    const before = await (await newContainer()).sign();
    // Act
    putSecretValue(PAIR_ARN, RSA_2);
    const after = await newContainer();
    // Assess
    expect(await after.verify(before)).toEqual(MONA);
    expect(headerOf(await after.sign())?.kid).toBe(await thumbprint(RSA_2));
  });

  it("lets a container whose key ring predates it verify tokens of the new key pair, reading the secret once more", async () => {
    // Prepare: a warm container that has read the ring before the rotation.
    const warm = await warmContainerWith(RSA_1);
    putSecretValue(PAIR_ARN, RSA_2);
    const signedWithNewKey = await (await newContainer()).sign();
    const callsBefore = getSecretValueCalls().length;
    // Act
    const claims = await warm.verify(signedWithNewKey);
    await warm.verify(signedWithNewKey);
    // Assess: one more reading (AWSCURRENT and AWSPREVIOUS) for both checks, then the new key signs.
    expect(claims).toEqual(MONA);
    expect(getSecretValueCalls().slice(callsBefore)).toEqual([
      { SecretId: PAIR_ARN, VersionStage: "AWSCURRENT" },
      { SecretId: PAIR_ARN, VersionStage: "AWSPREVIOUS" },
    ]);
    expect(headerOf(await warm.sign())?.kid).toBe(await thumbprint(RSA_2));
  });

  it("publishes the new and the previous public key, so that other services check old and new tokens with the JWKS alone", async () => {
    // Prepare
    putSecretValue(PAIR_ARN, RSA_1);
    const before = await (await newContainer()).sign();
    putSecretValue(PAIR_ARN, RSA_2);
    const after = await newContainer();
    const signedAfter = await after.sign();
    // Act
    const keys = await after.publishedKeys();
    const jwks = createLocalJWKSet({ keys });
    // Assess: current first.
    expect(keys.map((key) => key.kid)).toEqual([await thumbprint(RSA_2), await thumbprint(RSA_1)]);
    for (const token of [before, signedAfter]) {
      await expect(jwtVerify(token, jwks, { issuer: ISSUER, audience: ISSUER })).resolves.toMatchObject({ payload: { sub: "42" } });
    }
  });

  it("refuses tokens signed with the key pair before the previous one", async () => {
    putSecretValue(PAIR_ARN, RSA_1);
    const oldest = await (await newContainer()).sign();
    putSecretValue(PAIR_ARN, RSA_2);
    putSecretValue(PAIR_ARN, RSA_3);
    const container = await newContainer();
    expect(await outcome(container, oldest)).toBe("refused");
    expect(await container.verify(tokenSignedWith(RSA_2, "RS256", { kid: await thumbprint(RSA_2) }))).toEqual(MONA);
  });

  it.each([
    ["text that is no key", "not a key: Pz7qK9wX"],
    ["an RSA key of 1024 bits", generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string],
    ["a JSON object without a privateKey field", JSON.stringify({ key: RSA_2 })],
    ["JSON that is malformed", '{"privateKey": -----BEGIN PRIVATE KEY-----}'],
  ])("leaves out a previous version that is %s, instead of failing every token", async (_case, mistake) => {
    putSecretValue(PAIR_ARN, mistake);
    putSecretValue(PAIR_ARN, RSA_1);
    const container = await newContainer();
    expect(await container.verify(await container.sign())).toEqual(MONA);
    expect((await container.publishedKeys()).map((key) => key.kid)).toEqual([await thumbprint(RSA_1)]);
  });

  it("leaves out a previous version that is binary, instead of failing every token", async () => {
    putSecretValue(PAIR_ARN, RSA_1);
    secretsManagerMock
      .on(GetSecretValueCommand, { SecretId: PAIR_ARN, VersionStage: "AWSPREVIOUS" })
      .resolves({ ARN: PAIR_ARN, SecretBinary: new Uint8Array([1, 2, 3]) });
    const container = await newContainer();
    expect(await container.verify(await container.sign())).toEqual(MONA);
  });

  it("to an EC P-256 key signs ES256 from then on, ACCESS_TOKEN_ALG=RS256 as it was, and keeps the RS256 tokens valid", async () => {
    // Prepare: the key's type decides the algorithm, so a rotation can change it.
    process.env.ACCESS_TOKEN_ALG = "RS256";
    const warm = await warmContainerWith(RSA_1);
    const signedWithRsa = await warm.sign();
    // Act
    putSecretValue(PAIR_ARN, EC_1);
    const after = await newContainer();
    const signedWithEc = await after.sign();
    // Assess: both tokens verify in the new container, and in the warm one after one more reading.
    expect(headerOf(signedWithEc)).toEqual({ alg: "ES256", typ: "JWT", kid: await thumbprint(EC_1) });
    expect(await after.verify(signedWithRsa)).toEqual(MONA);
    expect(await after.verify(signedWithEc)).toEqual(MONA);
    expect(await warm.verify(signedWithEc)).toEqual(MONA);
    expect((await after.publishedKeys()).map(({ kty, alg }) => ({ kty, alg }))).toEqual([
      { kty: "EC", alg: "ES256" },
      { kty: "RSA", alg: "RS256" },
    ]);
  });
});

describe("ACCESS_TOKEN_ALG of another kind than the current key", () => {
  it("signs with the key's own algorithm and says so in the log, naming both and no key material", async () => {
    // Prepare: a stage switched to ES256 whose key has not rotated yet.
    putSecretValue(PAIR_ARN, RSA_1);
    process.env.ACCESS_TOKEN_ALG = "ES256";
    const container = await newContainer();
    const output = capturedOutput();
    // Act
    const token = await container.sign();
    // Assess
    expect(headerOf(token)?.alg).toBe("RS256");
    const warnings = output.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === "WARN");
    expect(warnings).toEqual([expect.objectContaining({ accessTokenAlg: "ES256", signingAlg: "RS256", kid: await thumbprint(RSA_1) })]);
    expect(output.join("")).not.toContain(RSA_1.split("\n")[5]);
  });

  it("says nothing when the key is of its kind", async () => {
    putSecretValue(PAIR_ARN, EC_1);
    process.env.ACCESS_TOKEN_ALG = "ES256";
    const container = await newContainer();
    const output = capturedOutput();
    expect(headerOf(await container.sign())?.alg).toBe("ES256");
    expect(output.filter((line) => line.includes('"WARN"'))).toEqual([]);
  });
});

describe("the switch from HS256 to a key pair", () => {
  /** A token signed before the switch: ACCESS_TOKEN_ALG=HS256, JWT_SECRET alone. */
  async function signedBeforeTheSwitch(): Promise<string> {
    process.env.ACCESS_TOKEN_ALG = "HS256";
    delete process.env.JWT_PRIVATE_KEY;
    const token = await (await newContainer()).sign();
    expect(headerOf(token)).toEqual({ alg: "HS256", typ: "JWT", kid: keyIdOf(HMAC_1) });
    return token;
  }

  /** The deploy that switches: ACCESS_TOKEN_ALG=RS256 and a key pair in JWT_PRIVATE_KEY. */
  function switchToKeyPair(): void {
    process.env.ACCESS_TOKEN_ALG = "RS256";
    process.env.JWT_PRIVATE_KEY = PAIR_ARN;
    putSecretValue(PAIR_ARN, RSA_1);
  }

  beforeEach(() => {
    process.env.JWT_SECRET = SECRET_ARN;
    putSecretValue(SECRET_ARN, HMAC_1);
  });

  it("keeps the HS256 tokens signed before it valid while JWT_SECRET is set, and signs RS256 ones", async () => {
    // Prepare
    const hs256 = await signedBeforeTheSwitch();
    // Act
    switchToKeyPair();
    const after = await newContainer();
    // Assess
    expect(await after.verify(hs256)).toEqual(MONA);
    expect(headerOf(await after.sign())).toEqual({ alg: "RS256", typ: "JWT", kid: await thumbprint(RSA_1) });
  });

  it("refuses the HS256 tokens signed before it once JWT_SECRET is unset, and reads that secret no more", async () => {
    // Prepare
    const hs256 = await signedBeforeTheSwitch();
    switchToKeyPair();
    // Act
    delete process.env.JWT_SECRET;
    const callsBefore = getSecretValueCalls().length;
    const after = await newContainer();
    // Assess
    expect(await outcome(after, hs256)).toBe("refused");
    expect(await after.verify(await after.sign())).toEqual(MONA);
    expect(getSecretValueCalls().slice(callsBefore).map((call) => call.SecretId)).not.toContain(SECRET_ARN);
  });

  it("checks a token without kid (signed before key ids) with the current HMAC secret only", async () => {
    // Prepare: a rotated HMAC secret beside the key pair.
    putSecretValue(SECRET_ARN, HMAC_2);
    switchToKeyPair();
    const container = await newContainer();
    // Act and assess
    expect(await container.verify(tokenSignedWith(HMAC_2, "HS256", {}))).toEqual(MONA);
    expect(await outcome(container, tokenSignedWith(HMAC_1, "HS256", {}))).toBe("refused");
    expect(await outcome(container, tokenSignedWith(RSA_1, "RS256", {}))).toBe("refused");
  });

  it("refuses a token without kid once JWT_SECRET is unset", async () => {
    switchToKeyPair();
    delete process.env.JWT_SECRET;
    expect(await outcome(await newContainer(), tokenSignedWith(HMAC_1, "HS256", {}))).toBe("refused");
  });

  it(`accepts the former default issuer "${FORMER_DEFAULT_ISSUER}" on HS256 tokens only, not on key pairs' tokens`, async () => {
    // Prepare: the stage's issuer is its address now; a ring with an EC key (previous), an RSA key
    // (current) and the HMAC secret.
    process.env.JWT_ISSUER = "https://auth.example.com/prod";
    putSecretValue(PAIR_ARN, EC_1);
    switchToKeyPair();
    const container = await newContainer();
    const signedBy = async (issuer: string) => ({
      HS256: await outcome(container, tokenSignedWith(HMAC_1, "HS256", { kid: keyIdOf(HMAC_1) }, issuer)),
      RS256: await outcome(container, tokenSignedWith(RSA_1, "RS256", { kid: await thumbprint(RSA_1) }, issuer)),
      ES256: await outcome(container, tokenSignedWith(EC_1, "ES256", { kid: await thumbprint(EC_1) }, issuer)),
    });
    // Act and assess
    expect(await signedBy(FORMER_DEFAULT_ISSUER)).toEqual({ HS256: MONA, RS256: "refused", ES256: "refused" });
    expect(await signedBy("https://auth.example.com/prod")).toEqual({ HS256: MONA, RS256: MONA, ES256: MONA });
    expect(await signedBy("https://someone-else.example.com")).toEqual({ HS256: "refused", RS256: "refused", ES256: "refused" });
  });
});

describe("a key pair secret that holds no key yet (its rotation function has not run once)", () => {
  it("lets the HMAC secret sign and check meanwhile, asks again after 30 s, then signs with the first key pair", async () => {
    // Prepare: a stage just upgraded from HS256: the new secret exists, empty; the old one is set.
    process.env.JWT_SECRET = SECRET_ARN;
    putSecretValue(SECRET_ARN, HMAC_1);
    const container = await newContainer();
    const output = capturedOutput();

    // Act / Assess: HS256 tokens, which verify; one warning; no Secrets Manager read per token.
    const meanwhile = await container.sign();
    expect(headerOf(meanwhile)).toEqual({ alg: "HS256", typ: "JWT", kid: keyIdOf(HMAC_1) });
    expect(await container.verify(meanwhile)).toEqual(MONA);
    const pairReads = () => getSecretValueCalls().filter((call) => call.SecretId === PAIR_ARN).length;
    const readsBefore = pairReads();
    await container.sign();
    expect(pairReads()).toBe(readsBefore);
    expect(output.filter((line) => line.includes('"WARN"') && line.includes("holds no key yet"))).toHaveLength(1);
    expect(await container.publishedKeys()).toEqual([]);

    // The rotation function writes the first key; 30 s later the container signs with it.
    putSecretValue(PAIR_ARN, RSA_1);
    vi.setSystemTime(NOW_MS + 29_000);
    expect(headerOf(await container.sign())?.alg).toBe("HS256");
    vi.setSystemTime(NOW_MS + 30_000);
    expect(headerOf(await container.sign())).toEqual({ alg: "RS256", typ: "JWT", kid: await thumbprint(RSA_1) });
    expect(await container.verify(meanwhile)).toEqual(MONA);
  });

  it("fails with the error that names the secret when there is no HMAC secret to fall back on", async () => {
    const container = await newContainer();
    await expect(container.sign()).rejects.toMatchObject({ name: "SigningKeyNotYetMadeError", message: expect.stringContaining(PAIR_ARN) });
    expect(await container.publishedKeys()).toEqual([]);
  });
});
