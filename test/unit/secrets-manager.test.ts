import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { beforeEach, describe, expect, it } from "vitest";
import { expiring, readCurrentSecret, readPreviousSecret } from "../../lib/config/secrets-manager.ts";
import { failNextRead, getSecretValueCalls, putSecretValue, resetSecretsManager, secretsManagerMock } from "../support/secrets-manager.ts";

// The loader under lib/config/jwt-keys.ts and lib/db/database-secret.ts: Secrets Manager by version stage, and a value kept for a while.

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-secret-AbCdEf";

/** A load that counts its calls and answers what `next` holds then, on a clock the test moves. */
function counted() {
  const state = { calls: 0, next: "v1" as string | Error, nowMs: 0 };
  const load = () => {
    state.calls++;
    const answer = state.next;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const cache = expiring(load, () => 60_000, { now: () => state.nowMs });
  return { state, cache };
}

describe("expiring", () => {
  it("keeps a value for its max age, then loads it again", async () => {
    const { state, cache } = counted();
    expect(await cache.get()).toBe("v1");
    state.next = "v2";
    state.nowMs = 59_999;
    expect(await cache.get()).toBe("v1");
    state.nowMs = 60_000;
    expect(await cache.get()).toBe("v2");
    expect(state.calls).toBe(2);
  });

  it("loads again when a caller asks for a younger value than it holds", async () => {
    const { state, cache } = counted();
    await cache.get();
    state.nowMs = 10_000;
    state.next = "v2";
    expect(await cache.get(30_000)).toBe("v1");
    expect(await cache.get(0)).toBe("v2");
    expect(state.calls).toBe(2);
  });

  it("keeps no failure: the next call loads again", async () => {
    const { state, cache } = counted();
    state.next = new Error("throttled");
    await expect(cache.get()).rejects.toThrow("throttled");
    state.next = "v1";
    expect(await cache.get()).toBe("v1");
    expect(state.calls).toBe(2);
  });

  it("keeps serving the last value it holds until it expires, whatever failed to replace it", async () => {
    const { state, cache } = counted();
    await cache.get();
    state.next = new Error("throttled");
    await expect(cache.get(0)).rejects.toThrow("throttled");
    expect(await cache.get()).toBe("v1");
  });

  it("shares one load between callers that ask while it runs", async () => {
    const { state, cache } = counted();
    const answers = await Promise.all([cache.get(), cache.get(), cache.get(0)]);
    expect(answers).toEqual(["v1", "v1", "v1"]);
    expect(state.calls).toBe(1);
  });

  it("forgets a load still running when reset", async () => {
    const { state, cache } = counted();
    const before = cache.get();
    cache.reset();
    state.next = "v2";
    expect([await before, await cache.get()]).toEqual(["v1", "v2"]);
  });
});

describe("reading Secrets Manager", () => {
  beforeEach(resetSecretsManager);

  it("asks for the version stage it reads", async () => {
    putSecretValue(ARN, "first");
    putSecretValue(ARN, "second");
    expect([await readCurrentSecret(ARN), await readPreviousSecret(ARN)]).toEqual(["second", "first"]);
    expect(getSecretValueCalls().map((call) => call.VersionStage)).toEqual(["AWSCURRENT", "AWSPREVIOUS"]);
  });

  it("takes a missing AWSPREVIOUS for no previous version, and a missing secret for an error", async () => {
    await expect(readCurrentSecret(ARN)).rejects.toThrow("Secrets Manager can't find the specified secret.");
    putSecretValue(ARN, "first");
    expect(await readPreviousSecret(ARN)).toBeUndefined();
  });

  it("passes any other failure to read AWSPREVIOUS on", async () => {
    putSecretValue(ARN, "first");
    failNextRead(Object.assign(new Error("User is not authorized to perform: secretsmanager:GetSecretValue"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }));
    const error = await readPreviousSecret(ARN).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ name: "AccessDeniedException", message: expect.stringMatching(/not authorized/) });
  });

  it("refuses a binary secret: every secret here is a string", async () => {
    secretsManagerMock.on(GetSecretValueCommand).resolves({ ARN, SecretBinary: new Uint8Array([1, 2, 3]) });
    await expect(readCurrentSecret(ARN)).rejects.toThrow("no string value (SecretString) at AWSCURRENT");
  });
});
