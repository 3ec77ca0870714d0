import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keyIdOf, UNKNOWN_KEY_RELOAD_SECONDS } from "../../lib/auth/key-ring.ts";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { getSecretValueCalls, putSecretValue, resetSecretsManager, secretsManagerMock } from "../support/secrets-manager.ts";
import { MONA, newContainer, type Container } from "../support/token-container.ts";

// Rotating the HMAC key (HS256) of a deployed stage: `put-secret-value` makes a new AWSCURRENT and moves
// AWSPREVIOUS to the key it replaced. Each container is a fresh instance of the modules (as a
// Lambda container is), with its own key ring read from the mocked Secrets Manager.

const JWT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-secret-AbCdEf";
const [KEY_1, KEY_2, KEY_3] = ["1", "2", "3"].map((digit) => `key-${digit}-`.padEnd(64, digit)) as [string, string, string];
const NOW_MS = 1_800_000_000_000;
const saved = { ...process.env };



/** A container that has signed and checked a token, so has read its key ring: `key` alone, for now. */
async function warmContainerWith(key: string): Promise<Container> {
  putSecretValue(JWT_ARN, key);
  const warm = await newContainer();
  await warm.verify(await warm.sign());
  return warm;
}

/** A token as our signer writes it, with the key and header fields given. */
function tokenSignedWith(key: string, header: Record<string, unknown> = { kid: keyIdOf(key) }): string {
  return jwt.sign({ username: MONA.username, roles: MONA.roles }, key, {
    algorithm: "HS256",
    subject: String(MONA.userId),
    issuer: "serverless-auth-api",
    audience: "serverless-auth-api",
    expiresIn: 900,
    header: { alg: "HS256", typ: "JWT", ...header },
  });
}

function kidOf(token: string): unknown {
  return (jwt.decode(token, { complete: true })?.header as { kid?: unknown }).kid;
}

/** "refused" for the 401 a bad token gets, or what happened instead. */
async function outcome(container: Container, token: string): Promise<unknown> {
  return container.verify(token).then(
    () => "accepted",
    // Each container has its own copy of the error classes: compare what they say.
    (error: unknown) => (error instanceof Error && error.name === "UnauthorizedError" && error.message === "Invalid or expired token" ? "refused" : error),
  );
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_MS);
  resetSecretsManager();
  // The HMAC secret's ring; the key pairs' is in key-pair-rotation.test.ts.
  process.env.ACCESS_TOKEN_ALG = "HS256";
  delete process.env.JWT_PRIVATE_KEY;
  process.env.JWT_SECRET = JWT_ARN;
});

afterEach(() => {
  vi.useRealTimers();
  process.env = { ...saved };
});

describe("key ids", () => {
  it("names the current key in the header of every token signed", async () => {
    putSecretValue(JWT_ARN, KEY_1);
    const token = await (await newContainer()).sign();
    expect(kidOf(token)).toBe(keyIdOf(KEY_1));
    expect(keyIdOf(KEY_1)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(keyIdOf(KEY_2)).not.toBe(keyIdOf(KEY_1));
  });

  it("locally are made from the key in JWT_SECRET, with no Secrets Manager involved", async () => {
    process.env.JWT_SECRET = KEY_1;
    const container = await newContainer();
    const token = await container.sign();
    expect(kidOf(token)).toBe(keyIdOf(KEY_1));
    expect(await container.verify(token)).toEqual(MONA);
    expect(await outcome(container, tokenSignedWith(KEY_2))).toBe("refused");
    expect(getSecretValueCalls()).toEqual([]);
  });
});

describe("a rotation of the JWT key", () => {
  it("leaves tokens signed with the key it replaced valid: they verify with AWSPREVIOUS", async () => {
    // Prepare: a token signed before the rotation.
    putSecretValue(JWT_ARN, KEY_1);
    const before = await (await newContainer()).sign();
    // Act
    putSecretValue(JWT_ARN, KEY_2);
    const after = await newContainer();
    // Assess: the old token verifies; new tokens are signed with the new key.
    expect(await after.verify(before)).toEqual(MONA);
    expect(kidOf(await after.sign())).toBe(keyIdOf(KEY_2));
  });

  it("lets a container whose key ring predates it verify tokens signed with the new key, reading the ring once more", async () => {
    // Prepare: a warm container that has read the ring before the rotation.
    const warm = await warmContainerWith(KEY_1);
    putSecretValue(JWT_ARN, KEY_2);
    const signedWithNewKey = await (await newContainer()).sign();
    const callsBefore = getSecretValueCalls().length;
    // Act
    const claims = await warm.verify(signedWithNewKey);
    // Assess: one more reading of the ring (AWSCURRENT and AWSPREVIOUS), then the new key signs.
    expect(claims).toEqual(MONA);
    expect(getSecretValueCalls().slice(callsBefore).map((call) => call.VersionStage)).toEqual(["AWSCURRENT", "AWSPREVIOUS"]);
    expect(kidOf(await warm.sign())).toBe(keyIdOf(KEY_2));
  });

  it("lets a warm container take the second of two rotations in a row at once (the answer to a leaked key)", async () => {
    // Prepare: a warm container meets a token of the first new key, 10 s before the second rotation.
    const warm = await warmContainerWith(KEY_1);
    putSecretValue(JWT_ARN, KEY_2);
    expect(await warm.verify(tokenSignedWith(KEY_2))).toEqual(MONA);
    vi.setSystemTime(NOW_MS + 10_000);
    putSecretValue(JWT_ARN, KEY_3);
    // Act and assess: the third key's tokens are accepted now, not 30 s after the last reading.
    expect(await warm.verify(tokenSignedWith(KEY_3))).toEqual(MONA);
  });

  it("leaves out a previous version that is binary, instead of failing every token", async () => {
    putSecretValue(JWT_ARN, KEY_1);
    secretsManagerMock
      .on(GetSecretValueCommand, { SecretId: JWT_ARN, VersionStage: "AWSPREVIOUS" })
      .resolves({ ARN: JWT_ARN, SecretBinary: new Uint8Array([1, 2, 3]) });
    const container = await newContainer();
    expect(await container.verify(await container.sign())).toEqual(MONA);
  });

  it("keeps verifying with the keys it read when Secrets Manager is away after they expire, asking again every 30 s", async () => {
    // Prepare: a warm container, then Secrets Manager gone past the keys' max age (300 s).
    putSecretValue(JWT_ARN, KEY_1);
    const warm = await newContainer();
    const token = await warm.sign();
    const away = Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" });
    secretsManagerMock.on(GetSecretValueCommand).rejects(away);
    const readings = () => getSecretValueCalls("AWSCURRENT").length;
    const before = readings();
    // Act and assess
    vi.setSystemTime(NOW_MS + 301_000);
    expect(await warm.verify(token)).toEqual(MONA);
    expect(readings()).toBe(before + 1);
    vi.setSystemTime(NOW_MS + 330_000);
    expect(await warm.verify(token)).toEqual(MONA);
    expect(readings()).toBe(before + 1);
    vi.setSystemTime(NOW_MS + 332_000);
    expect(await warm.verify(token)).toEqual(MONA);
    expect(readings()).toBe(before + 2);
    // An hour past the max age, the old keys are no longer served.
    vi.setSystemTime(NOW_MS + 300_000 + 3_600_000);
    await expect(warm.verify(token)).rejects.toMatchObject({ name: "SecretsManagerUnavailableError", code: "ETIMEDOUT" });
  });

  it("refuses tokens signed with the key before the previous one", async () => {
    putSecretValue(JWT_ARN, KEY_1);
    const oldest = await (await newContainer()).sign();
    putSecretValue(JWT_ARN, KEY_2);
    putSecretValue(JWT_ARN, KEY_3);
    const container = await newContainer();
    expect(await outcome(container, oldest)).toBe("refused");
    expect(await container.verify(tokenSignedWith(KEY_2))).toEqual(MONA);
  });

  it("checks tokens without a key id (signed before key ids) with the current key only", async () => {
    putSecretValue(JWT_ARN, KEY_1);
    putSecretValue(JWT_ARN, KEY_2);
    const container = await newContainer();
    expect(await container.verify(tokenSignedWith(KEY_2, {}))).toEqual(MONA);
    expect(await outcome(container, tokenSignedWith(KEY_1, {}))).toBe("refused");
  });

  it("refuses a token whose key id names another key than the one that signed it", async () => {
    putSecretValue(JWT_ARN, KEY_1);
    putSecretValue(JWT_ARN, KEY_2);
    const container = await newContainer();
    expect(await outcome(container, tokenSignedWith(KEY_1, { kid: keyIdOf(KEY_2) }))).toBe("refused");
  });

  it.each([
    ["a number", 7],
    ["an object", { kid: "x" }],
    ["null", null],
  ])("refuses a token whose key id is %s", async (_case, kid) => {
    putSecretValue(JWT_ARN, KEY_1);
    expect(await outcome(await newContainer(), tokenSignedWith(KEY_1, { kid }))).toBe("refused");
  });
});

describe("made-up key ids", () => {
  it(`read the key ring at most once in ${UNKNOWN_KEY_RELOAD_SECONDS} s per container`, async () => {
    // Prepare: a container that has read its ring; tokens signed with the current key but naming
    // keys that do not exist.
    const container = await warmContainerWith(KEY_1);
    const readings = () => getSecretValueCalls("AWSCURRENT").length - 1;
    const madeUp = (n: number) => tokenSignedWith(KEY_1, { kid: `made-up-${n}` });
    // Act and assess: a burst, then the moments around the interval's end.
    for (let n = 0; n < 20; n++) expect(await outcome(container, madeUp(n))).toBe("refused");
    expect(readings()).toBe(1);
    vi.setSystemTime(NOW_MS + UNKNOWN_KEY_RELOAD_SECONDS * 1000 - 1);
    expect(await outcome(container, madeUp(20))).toBe("refused");
    expect(readings()).toBe(1);
    vi.setSystemTime(NOW_MS + UNKNOWN_KEY_RELOAD_SECONDS * 1000);
    expect(await outcome(container, madeUp(21))).toBe("refused");
    expect(readings()).toBe(2);
  });
});
