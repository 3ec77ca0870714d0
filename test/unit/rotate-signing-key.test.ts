import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handler, type RotationStep } from "../../functions/ops/rotate-signing-key.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { ConfigError, resetConfig } from "../../lib/config/environment.ts";
import { getJwtPrivateKeys, type KeyPairAlgorithm } from "../../lib/config/jwt-private-keys.ts";
import { capturedOutput } from "../support/captured-output.ts";
import {
  createEmptySecret,
  putSecretValue,
  resetSecretsManager,
  secretsManagerMock,
  secretValueAt,
  startRotation,
  versionStages,
} from "../support/secrets-manager.ts";
import { MONA, newContainer } from "../support/token-container.ts";

// The signing key's rotation function (functions/ops/rotate-signing-key.ts) run as Secrets Manager
// runs it: RotateSecret stages AWSPENDING on a new version, then calls the four steps in turn,
// here against a fake that keeps versions and labels as the service does. What the API then
// reads (lib/config/jwt-private-keys.ts) and how tokens fare across a rotation are checked too.

// Making an RSA key takes up to a second here: every key of this file, the rotations' included,
// is drawn in turn from a few made once, so that no two in a row are the same.
vi.mock(import("../../lib/auth/new-signing-key.ts"), async (importOriginal) => {
  const { newSigningKeyPem: made } = await importOriginal();
  const pools = { RS256: [1, 2, 3].map(() => made("RS256")), ES256: [1, 2, 3].map(() => made("ES256")) };
  let drawn = 0;
  return { newSigningKeyPem: (alg: KeyPairAlgorithm) => pools[alg][drawn++ % 3]! };
});

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-signing-key-AbCdEf";
const STEPS: RotationStep[] = ["createSecret", "setSecret", "testSecret", "finishSecret"];
const saved = { ...process.env };
/** The logger's lines of the test running. */
let output: string[];

/** What `aws secretsmanager rotate-secret` sets off: a new version staged, then each step; its token. */
async function rotate(): Promise<string> {
  const token = startRotation(ARN);
  for (const Step of STEPS) await handler({ Step, SecretId: ARN, ClientRequestToken: token });
  return token;
}

/** The keys the API reads from the secret now, with nothing kept from an earlier read. */
function keysReadNow() {
  resetConfig();
  return getJwtPrivateKeys();
}

function pemOf(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }) as string;
}

/** A PEM's base64 body, the part that is the key. */
function bodyOf(pem: string): string {
  return pem.split("\n").slice(1, -2).join("");
}

function putSecretValueCalls() {
  return secretsManagerMock.commandCalls(PutSecretValueCommand);
}



function algOf(token: string): unknown {
  return jwt.decode(token, { complete: true })?.header.alg;
}

beforeEach(() => {
  output = capturedOutput();
  resetSecretsManager();
  process.env.JWT_PRIVATE_KEY = ARN;
  // The key pairs alone: the HMAC secret's ring is key-ring.test.ts's.
  delete process.env.JWT_SECRET;
  delete process.env.ACCESS_TOKEN_ALG;
  resetConfig();
});

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

describe("a rotation of the signing key", () => {
  it.each([
    { stageAlg: "RS256", made: "RS256" },
    { stageAlg: "ES256", made: "ES256" },
    // A stage on HMAC keeps a key pair ready for its switch.
    { stageAlg: "HS256", made: "RS256" },
  ])("on a $stageAlg stage makes a new $made key current and keeps the old one as previous", async ({ stageAlg, made }) => {
    // Prepare
    const old = newSigningKeyPem("RS256");
    putSecretValue(ARN, old);
    process.env.ACCESS_TOKEN_ALG = stageAlg;
    resetConfig();

    // Act
    const token = await rotate();

    // Assess: the labels as Secrets Manager leaves them, and what the API reads from them.
    const current = secretValueAt(ARN, "AWSCURRENT")!;
    expect(current).not.toBe(old);
    expect(secretValueAt(ARN, "AWSPREVIOUS")).toBe(old);
    expect(versionStages(ARN)[token]).toContain("AWSCURRENT");
    const keys = await keysReadNow();
    expect(keys.current.alg).toBe(made);
    expect(pemOf(keys.current.privateKey)).toBe(current);
    expect(keys.previous && pemOf(keys.previous.privateKey)).toBe(old);
  });

  it("drops the key before the previous one at the next rotation", async () => {
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    await rotate();
    const second = secretValueAt(ARN, "AWSCURRENT");
    await rotate();
    const keys = await keysReadNow();
    expect(keys.previous && pemOf(keys.previous.privateKey)).toBe(second);
  });

  it("leaves tokens signed before it valid, in a new container and in one that read the keys before", async () => {
    // Prepare: a container that signed a token and so read the keys before the rotation.
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    const warm = await newContainer();
    const before = await warm.sign();
    expect(await warm.verify(before)).toEqual(MONA);

    // Act
    await rotate();

    // Assess
    const cold = await newContainer();
    expect(await cold.verify(before)).toEqual(MONA);
    expect(await warm.verify(await cold.sign())).toEqual(MONA);
  });

  it("switches a stage set to ES256 from its RSA key at the rotation, signing no one out", async () => {
    // Prepare: the key's type decides the algorithm, so the RSA key still signs RS256.
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    process.env.ACCESS_TOKEN_ALG = "ES256";
    resetConfig();
    const before = await (await newContainer()).sign();
    expect(algOf(before)).toBe("RS256");

    // Act
    await rotate();

    // Assess
    const after = await newContainer();
    expect(algOf(await after.sign())).toBe("ES256");
    expect(await after.verify(before)).toEqual(MONA);
  });

  it("makes one key however often createSecret is retried with the same token", async () => {
    // Prepare
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    const token = startRotation(ARN);
    await handler({ Step: "createSecret", SecretId: ARN, ClientRequestToken: token });
    const made = secretValueAt(ARN, "AWSPENDING");

    // Act
    await handler({ Step: "createSecret", SecretId: ARN, ClientRequestToken: token });

    // Assess
    expect(putSecretValueCalls()).toHaveLength(1);
    expect(secretValueAt(ARN, "AWSPENDING")).toBe(made);
  });

  it.each(STEPS)("changes nothing when %s comes again for a version already current", async (Step) => {
    // Prepare
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    const token = await rotate();
    const stages = versionStages(ARN);
    const current = secretValueAt(ARN, "AWSCURRENT");
    secretsManagerMock.resetHistory();

    // Act
    await handler({ Step, SecretId: ARN, ClientRequestToken: token });

    // Assess
    expect(versionStages(ARN)).toEqual(stages);
    expect(secretValueAt(ARN, "AWSCURRENT")).toBe(current);
    expect(putSecretValueCalls()).toEqual([]);
    expect(secretsManagerMock.commandCalls(UpdateSecretVersionStageCommand)).toEqual([]);
  });

  it("logs its steps without any of the key", async () => {
    // Prepare
    putSecretValue(ARN, newSigningKeyPem("RS256"));

    // Act
    await rotate();

    // Assess
    const log = output.join("");
    expect(log).toContain("signing_key_rotation");
    expect(log).not.toContain("PRIVATE KEY");
    for (const stage of ["AWSCURRENT", "AWSPREVIOUS"]) expect(log).not.toContain(bodyOf(secretValueAt(ARN, stage)!).slice(0, 40));
  });
});

describe("the first rotation, when the stack is deployed", () => {
  it("is awaited with a ConfigError that says where the key comes from", async () => {
    createEmptySecret(ARN);
    const reading = keysReadNow();
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(/holds no key until its rotation function \(rotateSigningKey\) has run once/);
  });

  it.each([
    ["with no version, as CloudFormation makes it", () => createEmptySecret(ARN)],
    ["whose value is not a key", () => putSecretValue(ARN, "the rotation function writes the key")],
  ])("gives a secret %s a key, and no previous one", async (_case, prepare) => {
    // Prepare
    prepare();

    // Act
    await rotate();

    // Assess
    const keys = await keysReadNow();
    expect(keys.current.alg).toBe("RS256");
    expect(pemOf(keys.current.privateKey)).toBe(secretValueAt(ARN, "AWSCURRENT"));
    expect(keys.previous).toBeUndefined();
  });
});

describe("refusals", () => {
  it("refuses to act on a secret whose rotation is not enabled", async () => {
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    await expect(handler({ Step: "createSecret", SecretId: ARN, ClientRequestToken: "a-made-up-token" })).rejects.toThrow(/rotation is not enabled/);
    expect(putSecretValueCalls()).toEqual([]);
  });

  it.each([
    ["no version of the secret", () => "a-made-up-token", /has no stage for a rotation/],
    ["the previous version", () => Object.entries(versionStages(ARN)).find(([, stages]) => stages.includes("AWSPREVIOUS"))![0], /is not staged AWSPENDING/],
  ])("refuses a token that is %s", async (_case, tokenOf, refusal) => {
    // Prepare: a secret with a previous version, and a rotation under way.
    putSecretValue(ARN, newSigningKeyPem("RS256"));
    await rotate();
    startRotation(ARN);

    // Act and assess
    await expect(handler({ Step: "createSecret", SecretId: ARN, ClientRequestToken: tokenOf() })).rejects.toThrow(refusal);
    expect(putSecretValueCalls()).toHaveLength(1);
  });

  it.each([
    ["text in a PEM's frame", "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1uby1rZXktYXQtYWxsLW5vdC1ldmVuLWNsb3Nl\n-----END PRIVATE KEY-----\n"],
    ["an Ed25519 key", generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string],
  ])("keeps the current key when the pending value is %s, and shows none of it", async (_case, pending) => {
    // Prepare: a pending value written by something other than createSecret.
    const current = newSigningKeyPem("RS256");
    putSecretValue(ARN, current);
    const token = startRotation(ARN);
    await new SecretsManagerClient({}).send(new PutSecretValueCommand({ SecretId: ARN, ClientRequestToken: token, SecretString: pending, VersionStages: ["AWSPENDING"] }));

    // Act
    const testing = handler({ Step: "testSecret", SecretId: ARN, ClientRequestToken: token });

    // Assess
    const error = await testing.then(() => undefined, (thrown: unknown) => thrown as Error);
    expect(error?.message).toMatch(/is not a private key|is a key of another kind/);
    expect(error?.message).not.toContain(bodyOf(pending).slice(0, 20));
    expect(output.join("")).not.toContain(bodyOf(pending).slice(0, 20));
    expect(secretValueAt(ARN, "AWSCURRENT")).toBe(current);
  });
});
