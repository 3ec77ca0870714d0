import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { signAccessToken, type AccessTokenClaims } from "../../lib/auth/tokens.ts";
import { ConfigError, resetConfig } from "../../lib/config/environment.ts";
import { getJwtKeys } from "../../lib/config/jwt-keys.ts";
import { getJwtPrivateKeys } from "../../lib/config/jwt-private-keys.ts";
import { getSettings } from "../../lib/config/settings.ts";
import { getDatabaseUrl } from "../../lib/db/database-secret.ts";
import { SecretsManagerUnavailableError } from "../../lib/config/secrets-manager.ts";
import { failNextRead, getSecretValueCalls, putSecretValue, resetSecretsManager } from "../support/secrets-manager.ts";

// Configuration from the environment, and the Secrets Manager path deployed stages take.

const JWT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-secret-AbCdEf";
const DB_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/database-url";
const KEY = "k".repeat(64);
const MONA: AccessTokenClaims = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };
const saved = { ...process.env };

/** Whether `text` shows any part of `secret`: `run` or more of its characters in a row. */
function showsPartOf(text: string, secret: string, run = 5): boolean {
  for (let start = 0; start + run <= secret.length; start++) {
    if (text.includes(secret.slice(start, start + run))) return true;
  }
  return false;
}

async function failureOf(promise: Promise<unknown>): Promise<{ error: unknown; printed: string }> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { error, printed: inspect(error, { depth: 5 }) };
}

/** The database URL secret's failure, with everything a log line could print of it. */
function databaseUrlFailure(secretString: string): Promise<{ error: unknown; printed: string }> {
  process.env.DATABASE_URL = DB_ARN;
  putSecretValue(DB_ARN, secretString);
  return failureOf(getDatabaseUrl());
}

function databaseUrlFrom(secret: object): Promise<string> {
  process.env.DATABASE_URL = DB_ARN;
  putSecretValue(DB_ARN, JSON.stringify(secret));
  return getDatabaseUrl();
}

beforeEach(() => {
  resetSecretsManager();
  resetConfig();
});

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
  vi.useRealTimers();
});

describe("settings", () => {
  it("fails with a clear message when a required variable is missing", async () => {
    delete process.env.JWT_SECRET;
    await expect(getJwtKeys()).rejects.toThrow(new ConfigError("JWT_SECRET environment variable is not set"));
  });

  it("refuses a JWT secret too short for HS256", async () => {
    process.env.JWT_SECRET = "short";
    await expect(getJwtKeys()).rejects.toThrow(/at least 32 characters/);
  });

  it("reads defaults and bounds the numeric settings", () => {
    delete process.env.ACCESS_TOKEN_TTL;
    delete process.env.BCRYPT_COST;
    expect(getSettings()).toMatchObject({ accessTokenTtlSeconds: 900, bcryptCost: 10, secretsMaxAgeSeconds: 300 });
    resetConfig();
    process.env.BCRYPT_COST = "31";
    expect(() => getSettings()).toThrow(/BCRYPT_COST must be an integer from 4 to 15/);
    resetConfig();
    process.env.BCRYPT_COST = "12";
    process.env.ACCESS_TOKEN_TTL = "ten";
    expect(() => getSettings()).toThrow(/ACCESS_TOKEN_TTL/);
    resetConfig();
    process.env.ACCESS_TOKEN_TTL = "900";
    process.env.SECRETS_MAX_AGE = "0";
    expect(() => getSettings()).toThrow("SECRETS_MAX_AGE must be an integer from 1 to 3600");
  });

  it("rotates refresh tokens strictly unless the stage says otherwise, and refuses unknown choices", () => {
    delete process.env.REFRESH_TOKEN_ROTATION;
    delete process.env.REFRESH_TOKEN_REUSE_INTERVAL;
    expect(getSettings()).toMatchObject({ refreshTokenRotation: "rotate", refreshTokenReuseIntervalSeconds: 0 });
    resetConfig();
    process.env.REFRESH_TOKEN_ROTATION = "keep";
    process.env.REFRESH_TOKEN_REUSE_INTERVAL = "10";
    expect(getSettings()).toMatchObject({ refreshTokenRotation: "keep", refreshTokenReuseIntervalSeconds: 10 });
    resetConfig();
    process.env.REFRESH_TOKEN_ROTATION = "reuse";
    expect(() => getSettings()).toThrow("REFRESH_TOKEN_ROTATION must be one of rotate, keep");
    resetConfig();
    process.env.REFRESH_TOKEN_ROTATION = "rotate";
    process.env.REFRESH_TOKEN_REUSE_INTERVAL = "301";
    expect(() => getSettings()).toThrow("REFRESH_TOKEN_REUSE_INTERVAL must be an integer from 0 to 300");
  });
});

describe("a secret read from Secrets Manager", () => {
  it("is read once while it is younger than SECRETS_MAX_AGE", async () => {
    // Prepare
    process.env.DATABASE_URL = DB_ARN;
    putSecretValue(DB_ARN, "mysql://app:pw@db.internal:3306/auth_api");
    // Act
    const [first, second] = [await getDatabaseUrl(), await getDatabaseUrl()];
    // Assess
    expect([first, second]).toEqual(["mysql://app:pw@db.internal:3306/auth_api", "mysql://app:pw@db.internal:3306/auth_api"]);
    expect(getSecretValueCalls()).toEqual([{ SecretId: DB_ARN, VersionStage: "AWSCURRENT" }]);
  });

  it("is read again once SECRETS_MAX_AGE has passed, and a rotated value is then seen", async () => {
    // Prepare: a clock of our own, and a max age of 60 s.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(1_800_000_000_000);
    process.env.SECRETS_MAX_AGE = "60";
    process.env.DATABASE_URL = DB_ARN;
    putSecretValue(DB_ARN, "mysql://app:old@db.internal:3306/auth_api");
    expect(await getDatabaseUrl()).toContain(":old@");
    putSecretValue(DB_ARN, "mysql://app:new@db.internal:3306/auth_api");
    // Act
    vi.setSystemTime(1_800_000_059_999);
    const justBefore = await getDatabaseUrl();
    vi.setSystemTime(1_800_000_060_000);
    const after = await getDatabaseUrl();
    // Assess
    expect(justBefore).toContain(":old@");
    expect(after).toContain(":new@");
    expect(getSecretValueCalls()).toHaveLength(2);
  });

  it("is read past the cache when a caller asks for a younger value", async () => {
    process.env.DATABASE_URL = DB_ARN;
    putSecretValue(DB_ARN, "mysql://app:old@db.internal:3306/auth_api");
    await getDatabaseUrl();
    putSecretValue(DB_ARN, "mysql://app:new@db.internal:3306/auth_api");
    expect(await getDatabaseUrl({ maxAgeSeconds: 0 })).toContain(":new@");
    expect(await getDatabaseUrl()).toContain(":new@");
    expect(getSecretValueCalls()).toHaveLength(2);
  });

  it("is read once for callers that ask at the same time", async () => {
    process.env.DATABASE_URL = DB_ARN;
    putSecretValue(DB_ARN, "mysql://app:pw@db.internal:3306/auth_api");
    const urls = await Promise.all([getDatabaseUrl(), getDatabaseUrl(), getDatabaseUrl({ maxAgeSeconds: 0 })]);
    expect(new Set(urls).size).toBe(1);
    expect(getSecretValueCalls()).toHaveLength(1);
  });

  it("is read again after a failed read instead of failing for the container's life", async () => {
    // Prepare
    process.env.JWT_SECRET = JWT_ARN;
    putSecretValue(JWT_ARN, "s".repeat(40));
    failNextRead(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } }));
    // Act
    const failure = await failureOf(getJwtKeys());
    const keys = await getJwtKeys();
    // Assess: a passing fault (answered as a 503), not a configuration one.
    expect(failure.error).toBeInstanceOf(SecretsManagerUnavailableError);
    expect(failure.error).toMatchObject({ arn: JWT_ARN, code: "ThrottlingException" });
    expect(keys.current).toBe("s".repeat(40));
  });

  it("names the variable and the ARN of a secret that does not exist", async () => {
    process.env.DATABASE_URL = DB_ARN;
    await expect(getDatabaseUrl()).rejects.toThrow(
      new ConfigError(`cannot read the secret named by DATABASE_URL (${DB_ARN}): Secrets Manager can't find the specified secret.`),
    );
  });
});

describe("JWT_SECRET", () => {
  it("locally is the key itself, with no previous key", async () => {
    process.env.JWT_SECRET = KEY;
    expect(await getJwtKeys()).toEqual({ current: KEY });
    expect(getSecretValueCalls()).toEqual([]);
  });

  it("as an ARN is the secret's current version, and no previous key before the first rotation", async () => {
    process.env.JWT_SECRET = JWT_ARN;
    putSecretValue(JWT_ARN, KEY);
    expect(await getJwtKeys()).toEqual({ current: KEY });
    expect(getSecretValueCalls("AWSPREVIOUS")).toHaveLength(1);
  });

  it("as an ARN of another partition (AWS China, GovCloud) is read from Secrets Manager too, never taken for the key", async () => {
    const chinaArn = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:auth-api/prod/jwt-secret-AbCdEf";
    process.env.JWT_SECRET = chinaArn;
    putSecretValue(chinaArn, "k".repeat(40));
    expect(await getJwtKeys()).toEqual({ current: "k".repeat(40) });
  });

  it("refuses an ARN that is not of a Secrets Manager secret, rather than taking it for the key", async () => {
    process.env.JWT_SECRET = "arn:aws:ssm:us-east-1:123456789012:parameter/auth-api/prod/jwt-secret";
    await expect(getJwtKeys()).rejects.toThrow(new ConfigError(`JWT_SECRET is an ARN but not of a Secrets Manager secret (${process.env.JWT_SECRET})`));
    expect(getSecretValueCalls()).toEqual([]);
  });

  it("after a rotation holds the new key as current and the one it replaced as previous", async () => {
    process.env.JWT_SECRET = JWT_ARN;
    putSecretValue(JWT_ARN, "a".repeat(64));
    putSecretValue(JWT_ARN, "b".repeat(64));
    putSecretValue(JWT_ARN, JSON.stringify({ secret: "c".repeat(64) }));
    expect(await getJwtKeys()).toEqual({ current: "c".repeat(64), previous: "b".repeat(64) });
  });

  it.each([
    ["too short to be a key", "too-short"],
    ["malformed", '{"secret": Pz7qK9wXhunter2hunter2hunter2hunter2}'],
    ["JSON without a secret field", JSON.stringify({ key: "k".repeat(64) })],
  ])("leaves out a previous version %s, which a rotation replaced", async (_case, mistake) => {
    process.env.JWT_SECRET = JWT_ARN;
    putSecretValue(JWT_ARN, mistake);
    putSecretValue(JWT_ARN, KEY);
    expect(await getJwtKeys()).toEqual({ current: KEY });
  });

  it("refuses a current version too short to be a key, showing none of it", async () => {
    process.env.JWT_SECRET = JWT_ARN;
    putSecretValue(JWT_ARN, "Pz7qK9wX-short");
    const { error, printed } = await failureOf(getJwtKeys());
    expect(error).toEqual(new ConfigError("JWT_SECRET must be at least 32 characters"));
    expect(showsPartOf(printed, "Pz7qK9wX-short")).toBe(false);
  });

  it("refuses a current version that is malformed, showing none of it", async () => {
    process.env.JWT_SECRET = JWT_ARN;
    putSecretValue(JWT_ARN, KEY);
    putSecretValue(JWT_ARN, '{"secret": Pz7qK9wXhunter2hunter2hunter2hunter2}');
    const { error, printed } = await failureOf(getJwtKeys());
    expect(error).toEqual(new ConfigError(`the secret named by JWT_SECRET (${JWT_ARN}) starts with "{" but is not valid JSON`));
    expect(showsPartOf(printed, "Pz7qK9wXhunter2hunter2hunter2hunter2")).toBe(false);
  });
});

describe("JWT_PRIVATE_KEY", () => {
  const PAIR_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/prod/jwt-private-key-AbCdEf";
  const KEY_FORMS = `an RSA key of 2048 to 4096 bits or an EC P-256 key, as PEM (PKCS#8 "BEGIN PRIVATE KEY", or PKCS#1 or SEC 1), not encrypted`;
  const pkcs8 = { type: "pkcs8", format: "pem" } as const;

  /** A PEM's base64 body: what a message must not show any of, the armor lines being public text. */
  const bodyOf = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, "");

  it.each([["RS256"], ["ES256"], ["unset (RS256)"]])("must be set when ACCESS_TOKEN_ALG is %s", async (alg) => {
    if (alg.startsWith("unset")) delete process.env.ACCESS_TOKEN_ALG;
    else process.env.ACCESS_TOKEN_ALG = alg;
    delete process.env.JWT_PRIVATE_KEY;
    const { error } = await failureOf(signAccessToken(MONA));
    expect(error).toEqual(new ConfigError("JWT_PRIVATE_KEY environment variable is not set"));
  });

  it("locally is the PEM itself, and may have its line breaks written out as \\n, as one-line environment values do", async () => {
    // Prepare
    const pem = process.env.JWT_PRIVATE_KEY!;
    process.env.JWT_PRIVATE_KEY = pem.replaceAll("\n", "\\n");
    expect(process.env.JWT_PRIVATE_KEY).not.toContain("\n");
    // Act
    const { current, previous } = await getJwtPrivateKeys();
    // Assess: the same key, and tokens signed and checked with it.
    expect(current.alg).toBe("RS256");
    expect(current.privateKey.export(pkcs8)).toBe(pem);
    expect(previous).toBeUndefined();
    expect(await verifyAccessToken((await signAccessToken(MONA)).accessToken)).toEqual(MONA);
  });

  it.each([
    ["an RSA key in PKCS#1", "RS256", () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" })],
    ["an EC P-256 key in SEC 1", "ES256", () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" })],
    ["an EC P-256 key in PKCS#8", "ES256", () => newSigningKeyPem("ES256")],
    ["a JSON object with the PEM in its privateKey field", "RS256", () => JSON.stringify({ privateKey: newSigningKeyPem("RS256") })],
  ])("takes %s, to sign %s with", async (_form, alg, value) => {
    process.env.JWT_PRIVATE_KEY = value() as string;
    expect((await getJwtPrivateKeys()).current.alg).toBe(alg);
  });

  it.each([
    ["an RSA key of 1024 bits", "is a key of another kind", () => generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export(pkcs8)],
    ["an RSA-PSS key", "is a key of another kind", () => generateKeyPairSync("rsa-pss", { modulusLength: 2048 }).privateKey.export(pkcs8)],
    ["an EC key on P-384", "is a key of another kind", () => generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export(pkcs8)],
    ["an Ed25519 key", "is a key of another kind", () => generateKeyPairSync("ed25519").privateKey.export(pkcs8)],
    [
      "an encrypted key",
      "is not a private key",
      () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ ...pkcs8, cipher: "aes-256-cbc", passphrase: "Pz7qK9wX" }),
    ],
    ["a public key", "is not a private key", () => generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" })],
    ["garbage", "is not a private key", () => "Pz7qK9wXhunter2hunter2hunter2"],
    ["a PEM armor around garbage", "is not a private key", () => "-----BEGIN PRIVATE KEY-----\nPz7qK9wXhunter2hunter2hunter2\n-----END PRIVATE KEY-----\n"],
  ])("refuses %s, showing none of it", async (_kind, what, value) => {
    // Prepare
    const key = value() as string;
    process.env.JWT_PRIVATE_KEY = key;
    // Act
    const { error, printed } = await failureOf(getJwtPrivateKeys());
    // Assess: 16 characters in a row would be a piece of the key; shorter runs of base64 come by chance.
    expect(error).toEqual(new ConfigError(`JWT_PRIVATE_KEY ${what}: store ${KEY_FORMS}`));
    expect(showsPartOf(printed, bodyOf(key), 16)).toBe(false);
  });

  it("refuses a current version of another kind in Secrets Manager, naming the secret and showing none of the key", async () => {
    process.env.JWT_PRIVATE_KEY = PAIR_ARN;
    const key = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export(pkcs8) as string;
    putSecretValue(PAIR_ARN, key);
    const { error, printed } = await failureOf(getJwtPrivateKeys());
    expect(error).toEqual(new ConfigError(`the secret named by JWT_PRIVATE_KEY (${PAIR_ARN}) is a key of another kind: store ${KEY_FORMS}`));
    expect(showsPartOf(printed, bodyOf(key), 16)).toBe(false);
  });
});

describe("ACCESS_TOKEN_ALG", () => {

  it("refuses an algorithm it does not sign with, listing the ones it does", () => {
    process.env.ACCESS_TOKEN_ALG = "HS512";
    expect(() => getSettings()).toThrow(new ConfigError("ACCESS_TOKEN_ALG must be one of RS256, ES256, HS256"));
  });

  it("HS256 fails without JWT_SECRET, naming it", async () => {
    process.env.ACCESS_TOKEN_ALG = "HS256";
    delete process.env.JWT_SECRET;
    const { error } = await failureOf(signAccessToken(MONA));
    expect(error).toEqual(new ConfigError("JWT_SECRET environment variable is not set"));
  });

  it("RS256 signs and checks tokens without JWT_SECRET", async () => {
    process.env.ACCESS_TOKEN_ALG = "RS256";
    delete process.env.JWT_SECRET;
    const { accessToken } = await signAccessToken(MONA);
    expect(await verifyAccessToken(accessToken)).toEqual(MONA);
  });
});

describe("DATABASE_URL", () => {
  it("takes the value from a JSON secret's url field", async () => {
    expect(await databaseUrlFrom({ url: "mysql://app:pw@db.internal:3306/auth_api" })).toBe("mysql://app:pw@db.internal:3306/auth_api");
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
        `the secret named by DATABASE_URL (${DB_ARN}) is JSON but not an object: store the URL itself, an object with a "url" field, or an RDS secret (username, password, host, …)`,
      ),
    );
    expect(showsPartOf(printed, secretString)).toBe(false);
  });

  it("names the secret whose JSON object is neither form, showing none of it", async () => {
    const secretString = JSON.stringify({ dsn: "mysql://app:Pz7qK9wX-hunter2@db-7f3a.qzvx/orders" });
    const { error, printed } = await databaseUrlFailure(secretString);
    expect(error).toEqual(
      new ConfigError(`the secret named by DATABASE_URL (${DB_ARN}) has neither a "url" field nor the "username" and "password" fields of an RDS secret`),
    );
    expect(showsPartOf(printed, secretString)).toBe(false);
  });

  describe("from an RDS secret", () => {
    const RDS_SECRET = { engine: "mysql", host: "prod.cluster-abc.us-east-1.rds.amazonaws.com", port: 3306, dbname: "auth_api" };

    it("builds the URL, its password percent-encoded so that every character comes back", async () => {
      const password = "p@ss:w/rd?#[]%41 +&=!'()*$,;\\\"é";
      const url = new URL(await databaseUrlFrom({ ...RDS_SECRET, username: "app@x", password }));
      expect(url.protocol).toBe("mysql:");
      expect([decodeURIComponent(url.username), decodeURIComponent(url.password)]).toEqual(["app@x", password]);
      expect([url.hostname, url.port, url.pathname]).toEqual([RDS_SECRET.host, "3306", "/auth_api"]);
    });

    it("takes a port written as a string, and 3306 when there is none", async () => {
      const written = new URL(await databaseUrlFrom({ ...RDS_SECRET, username: "app", password: "pw", port: "3307" }));
      resetConfig();
      const absent = new URL(await databaseUrlFrom({ ...RDS_SECRET, port: undefined, username: "app", password: "pw" }));
      expect([written.port, absent.port]).toEqual(["3307", "3306"]);
    });

    it.each(["mariadb", "aurora-mysql"])("takes the engine %s", async (engine) => {
      expect(await databaseUrlFrom({ ...RDS_SECRET, engine, username: "app", password: "pw" })).toMatch(/^mysql:\/\/app:pw@/);
    });

    it("of a database RDS manages (username and password only) takes host, port and name from the environment", async () => {
      process.env.DATABASE_HOST = "prod.abc.us-east-1.rds.amazonaws.com";
      process.env.DATABASE_PORT = "3307";
      process.env.DATABASE_NAME = "auth_api";
      expect(await databaseUrlFrom({ username: "admin", password: "pw" })).toBe("mysql://admin:pw@prod.abc.us-east-1.rds.amazonaws.com:3307/auth_api");
    });

    it("lets DATABASE_HOST point the same secret at an RDS Proxy endpoint", async () => {
      process.env.DATABASE_HOST = "auth-proxy.proxy-abc.us-east-1.rds.amazonaws.com";
      const url = new URL(await databaseUrlFrom({ ...RDS_SECRET, username: "app", password: "pw" }));
      expect(url.hostname).toBe("auth-proxy.proxy-abc.us-east-1.rds.amazonaws.com");
    });

    it.each([
      ["username", { password: "Pz7qK9wX-hunter2" }, `has no string "username" field`],
      ["password", { username: "Pz7qK9wX-admin" }, `has no string "password" field`],
      ["host", { username: "admin", password: "Pz7qK9wX-hunter2", dbname: "auth_api" }, `has no string "host" field: add one, or set DATABASE_HOST`],
      ["dbname", { username: "admin", password: "Pz7qK9wX-hunter2", host: "db-7f3a.qzvx" }, `has no string "dbname" field: add one, or set DATABASE_NAME`],
    ])("names the missing field %s, showing none of the secret", async (_field, secret, message) => {
      const secretString = JSON.stringify(secret);
      const { error, printed } = await databaseUrlFailure(secretString);
      expect(error).toEqual(new ConfigError(`the secret named by DATABASE_URL (${DB_ARN}) ${message}`));
      expect(showsPartOf(printed, secretString.replace(/"(username|password|host|dbname)":/g, ""))).toBe(false);
    });

    it.each([
      ["postgres", { engine: "postgres" }, "is for an engine other than mysql or mariadb, which this API does not support"],
      ["a port that is not one", { port: "33o6" }, `has a "port" field that is not a port number`],
      ["a host that would end the URL early", { host: "db-7f3a.qzvx/evil" }, `has a "host" field that is not a host name or an IP address`],
    ])("refuses %s, showing none of the secret", async (_case, change, message) => {
      const secretString = JSON.stringify({ ...RDS_SECRET, username: "admin", password: "Pz7qK9wX-hunter2", ...change });
      const { error, printed } = await databaseUrlFailure(secretString);
      expect(error).toEqual(new ConfigError(`the secret named by DATABASE_URL (${DB_ARN}) ${message}`));
      expect(showsPartOf(printed, "Pz7qK9wX-hunter2")).toBe(false);
    });
  });

  describe("DATABASE_HOST, DATABASE_PORT and DATABASE_NAME", () => {
    it("win over a URL's host, port and database, its password kept as it was", async () => {
      process.env.DATABASE_URL = "mysql://app:p%40ss%2541@db.internal:3306/auth_api?connectTimeout=5000";
      process.env.DATABASE_HOST = "auth-proxy.proxy-abc.us-east-1.rds.amazonaws.com";
      process.env.DATABASE_PORT = "3307";
      process.env.DATABASE_NAME = "auth_api_2";
      expect(await getDatabaseUrl()).toBe("mysql://app:p%40ss%2541@auth-proxy.proxy-abc.us-east-1.rds.amazonaws.com:3307/auth_api_2?connectTimeout=5000");
    });

    it.each([
      ["DATABASE_HOST", "db.internal/x", "DATABASE_HOST must be a host name or an IP address"],
      ["DATABASE_PORT", "70000", "DATABASE_PORT must be an integer from 1 to 65535"],
    ])("refuse a bad %s", async (name, value, message) => {
      process.env.DATABASE_URL = "mysql://app:pw@db.internal:3306/auth_api";
      process.env[name] = value;
      await expect(getDatabaseUrl()).rejects.toThrow(new ConfigError(message));
    });
  });
});
