import { GetSecretValueCommand, ResourceNotFoundException, type GetSecretValueCommandInput } from "@aws-sdk/client-secrets-manager";
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import type { AccessTokenClaims } from "../../lib/auth/tokens.ts";
import { secretsManagerMock } from "../support/secrets-manager.ts";

// A new key pair is published before it signs: the JWKS serves it at once, while the previous
// key goes on signing until every container serving the JWKS has read the new one
// (SECRETS_MAX_AGE) and every copy of the keys fetched before that has expired
// (VERIFIER_KEY_CACHE_SECONDS: API Gateway's HTTP API JWT authorizer keeps them two hours), with a
// minute for the rotation's steps. Secrets Manager's CreatedDate of the current version says when
// the rotation happened.

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-signing-key-AbCdEf";
const MONA: AccessTokenClaims = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };
const ROTATED_AT_MS = 1_800_000_000_000;
const SECRETS_MAX_AGE = 60;
const saved = { ...process.env };

interface Version {
  pem: string;
  createdAt: Date;
}

/** Secrets Manager holding `current` (AWSCURRENT) and `previous` (AWSPREVIOUS), with their dates. */
function secretHolds(current: Version, previous?: Version): void {
  secretsManagerMock.reset();
  secretsManagerMock.on(GetSecretValueCommand).callsFake(({ VersionStage }: GetSecretValueCommandInput) => {
    const version = VersionStage === "AWSPREVIOUS" ? previous : current;
    if (!version) throw new ResourceNotFoundException({ message: "no such version", $metadata: { httpStatusCode: 400 } });
    return { ARN, SecretString: version.pem, CreatedDate: version.createdAt, VersionStages: [VersionStage ?? "AWSCURRENT"] };
  });
}

/** A cold container: modules loaded anew. */
async function newContainer() {
  vi.resetModules();
  const { signAccessToken } = await import("../../lib/auth/tokens.ts");
  const { verifyAccessToken } = await import("../../lib/auth/token-verification.ts");
  const { publishedKeys, VERIFIER_KEY_CACHE_SECONDS, ROTATION_STEPS_SECONDS } = await import("../../lib/auth/key-ring.ts");
  const kidSigning = async () => decodeProtectedHeader((await signAccessToken(MONA)).accessToken).kid;
  const publishedForMs = (SECRETS_MAX_AGE + VERIFIER_KEY_CACHE_SECONDS + ROTATION_STEPS_SECONDS) * 1000;
  return { signAccessToken, verifyAccessToken, publishedKeys, publishedForMs, kidSigning };
}

const oldKey: Version = { pem: newSigningKeyPem("RS256"), createdAt: new Date(ROTATED_AT_MS - 90 * 24 * 3600 * 1000) };
const newKey: Version = { pem: newSigningKeyPem("RS256"), createdAt: new Date(ROTATED_AT_MS) };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  process.env.JWT_PRIVATE_KEY = ARN;
  process.env.SECRETS_MAX_AGE = String(SECRETS_MAX_AGE);
  delete process.env.ACCESS_TOKEN_ALG;
});

afterEach(() => {
  vi.useRealTimers();
  secretsManagerMock.reset();
  process.env = { ...saved };
});

describe("a rotated key pair", () => {
  it("is in the JWKS at once, while the previous key signs until the JWKS has reached every verifier", async () => {
    // Prepare: just after the rotation.
    secretHolds(newKey, oldKey);
    vi.setSystemTime(ROTATED_AT_MS + 1000);
    const container = await newContainer();
    const [newKid, oldKid] = (await container.publishedKeys()).map((key) => key.kid);
    const { publishedForMs } = container;

    // Act / Assess: both keys published, the old one signs up to the last millisecond ...
    expect(newKid).not.toBe(oldKid);
    expect(await container.kidSigning()).toBe(oldKid);
    vi.setSystemTime(ROTATED_AT_MS + publishedForMs - 1);
    expect(await container.kidSigning()).toBe(oldKid);
    // ... and the new one from then on.
    vi.setSystemTime(ROTATED_AT_MS + publishedForMs);
    expect(await container.kidSigning()).toBe(newKid);
  });

  it("signs at once when there is no previous key (the stack's first), or no date (a key in the environment)", async () => {
    secretHolds(newKey);
    vi.setSystemTime(ROTATED_AT_MS + 1000);
    const first = await newContainer();
    expect(await first.kidSigning()).toBe((await first.publishedKeys())[0]!.kid);

    process.env.JWT_PRIVATE_KEY = newKey.pem;
    const local = await newContainer();
    expect(await local.kidSigning()).toBe((await local.publishedKeys())[0]!.kid);
  });

  it("checks the tokens of both keys once the new one signs", async () => {
    // Prepare: a token signed by the old key in its last second.
    secretHolds(newKey, oldKey);
    const container = await newContainer();
    vi.setSystemTime(ROTATED_AT_MS + container.publishedForMs - 1000);
    const signedWithOld = (await container.signAccessToken(MONA)).accessToken;
    // Act: the new key's first token, while the old one has not expired yet.
    vi.setSystemTime(ROTATED_AT_MS + container.publishedForMs);
    const signedWithNew = (await container.signAccessToken(MONA)).accessToken;
    // Assess
    expect(decodeProtectedHeader(signedWithNew).kid).not.toBe(decodeProtectedHeader(signedWithOld).kid);
    expect(await container.verifyAccessToken(signedWithOld)).toEqual(MONA);
    expect(await container.verifyAccessToken(signedWithNew)).toEqual(MONA);
  });
});
