import { inspect } from "node:util";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, getDatabaseUrl, getJwtSecret, getSettings, resetConfig } from "../../lib/config.ts";

// Configuration from the environment, and the Secrets Manager path deployed stages take.

const secretsManager = mockClient(SecretsManagerClient);
const JWT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-secret-AbCdEf";
const DB_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/database-url";
const saved = { ...process.env };

/** Whether `text` shows any part of `secret`: five or more of its characters in a row. */
function showsPartOf(text: string, secret: string): boolean {
  for (let start = 0; start + 5 <= secret.length; start++) {
    if (text.includes(secret.slice(start, start + 5))) return true;
  }
  return false;
}

/** The database URL secret's failure, with everything a log line could print of it. */
async function databaseUrlFailure(secretString: string): Promise<{ error: unknown; printed: string }> {
  process.env.DATABASE_URL = DB_ARN;
  secretsManager.on(GetSecretValueCommand, { SecretId: DB_ARN }).resolves({ SecretString: secretString });
  const error = await getDatabaseUrl().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { error, printed: inspect(error, { depth: 5 }) };
}

describe("config", () => {
  beforeEach(() => {
    secretsManager.reset();
    resetConfig();
  });

  afterEach(() => {
    process.env = { ...saved };
    resetConfig();
  });

  it("fails with a clear message when a required variable is missing", async () => {
    delete process.env.JWT_SECRET;
    await expect(getJwtSecret()).rejects.toThrow(new ConfigError("JWT_SECRET environment variable is not set"));
  });

  it("refuses a JWT secret too short for HS256", async () => {
    process.env.JWT_SECRET = "short";
    await expect(getJwtSecret()).rejects.toThrow(/at least 32 characters/);
  });

  it("reads defaults and bounds the numeric settings", () => {
    delete process.env.ACCESS_TOKEN_TTL;
    delete process.env.BCRYPT_COST;
    expect(getSettings()).toMatchObject({ accessTokenTtlSeconds: 900, bcryptCost: 10 });
    resetConfig();
    process.env.BCRYPT_COST = "31";
    expect(() => getSettings()).toThrow(/BCRYPT_COST must be an integer from 4 to 15/);
    resetConfig();
    process.env.BCRYPT_COST = "12";
    process.env.ACCESS_TOKEN_TTL = "ten";
    expect(() => getSettings()).toThrow(/ACCESS_TOKEN_TTL/);
  });

  it("reads a secret named by ARN from Secrets Manager once per container", async () => {
    // Prepare
    process.env.JWT_SECRET = JWT_ARN;
    secretsManager.on(GetSecretValueCommand, { SecretId: JWT_ARN }).resolves({ SecretString: "k".repeat(64) });
    // Act
    const [first, second] = [await getJwtSecret(), await getJwtSecret()];
    // Assess
    expect(first).toBe("k".repeat(64));
    expect(second).toBe(first);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("takes the value from a JSON secret's field", async () => {
    process.env.DATABASE_URL = DB_ARN;
    secretsManager
      .on(GetSecretValueCommand, { SecretId: DB_ARN })
      .resolves({ SecretString: JSON.stringify({ url: "mysql://app:pw@db.internal:3306/auth_api" }) });
    expect(await getDatabaseUrl()).toBe("mysql://app:pw@db.internal:3306/auth_api");
  });

  it("refuses a secret that starts with { but is not JSON, naming it and showing none of it", async () => {
    // The URL pasted without quotes: JSON.parse's own message quotes the text up to there,
    // `Unexpected token 'm', "{"url": mysql://ap"... is not valid JSON`.
    const secretString = '{"url": mysql://app:Pz7qK9wX@db-7f3a.qzvx:3306/orders}';
    const { error, printed } = await databaseUrlFailure(secretString);
    expect(error).toEqual(new ConfigError(`the secret named by DATABASE_URL (${DB_ARN}) starts with "{" but is not valid JSON`));
    expect(showsPartOf(printed, secretString)).toBe(false);
  });

  it.each([
    ["a quoted string", '"mysql://app:Pz7qK9wX@db-7f3a.qzvx:3306/orders"'],
    ["an array", '["mysql://app:Pz7qK9wX@db-7f3a.qzvx:3306/orders"]'],
    ["a number", "73910264558130275519"],
  ])("refuses a secret that is JSON but not an object (%s), showing none of it", async (_kind, secretString) => {
    const { error, printed } = await databaseUrlFailure(secretString);
    expect(error).toEqual(
      new ConfigError(
        `the secret named by DATABASE_URL (${DB_ARN}) is JSON but not an object: store the value itself, or an object with a "url" field`,
      ),
    );
    expect(showsPartOf(printed, secretString)).toBe(false);
  });

  it("names the secret whose JSON object lacks the field, showing none of it", async () => {
    const secretString = JSON.stringify({ password: "Pz7qK9wX-hunter2", host: "db-7f3a.qzvx" });
    const { error, printed } = await databaseUrlFailure(secretString);
    expect(error).toEqual(new ConfigError(`the secret named by DATABASE_URL (${DB_ARN}) has no string "url" field`));
    expect(showsPartOf(printed, secretString)).toBe(false);
  });

  it("retries after a failed read instead of failing for the container's life", async () => {
    process.env.JWT_SECRET = JWT_ARN;
    secretsManager.on(GetSecretValueCommand).rejectsOnce(new Error("throttled")).resolves({ SecretString: "s".repeat(40) });
    await expect(getJwtSecret()).rejects.toThrow("throttled");
    expect(await getJwtSecret()).toBe("s".repeat(40));
  });
});
