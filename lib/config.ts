// Configuration, read once per container. Plain settings come from the environment. The two
// secrets (JWT_SECRET, DATABASE_URL) hold either the value (local stage) or the ARN of a Secrets
// Manager secret (deployed stages), so a packaged template never carries a secret value.

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface Settings {
  accessTokenTtlSeconds: number;
  /** A session's absolute lifetime: refreshing rotates its token but never extends it. */
  refreshTokenTtlSeconds: number;
  bcryptCost: number;
  jwtIssuer: string;
  jwtAudience: string;
}

const MIN_JWT_SECRET_LENGTH = 32;
const DAY_SECONDS = 24 * 60 * 60;

function integerFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

let settings: Settings | undefined;

export function getSettings(): Settings {
  settings ??= {
    accessTokenTtlSeconds: integerFrom("ACCESS_TOKEN_TTL", 15 * 60, 60, 24 * 60 * 60),
    refreshTokenTtlSeconds: integerFrom("REFRESH_TOKEN_TTL", 30 * DAY_SECONDS, 60 * 60, 365 * DAY_SECONDS),
    bcryptCost: integerFrom("BCRYPT_COST", 10, 4, 15),
    jwtIssuer: process.env.JWT_ISSUER || "serverless-auth-api",
    jwtAudience: process.env.JWT_AUDIENCE || "serverless-auth-api",
  };
  return settings;
}

async function readSecretString(arn: string): Promise<string> {
  // Imported on demand: the SDK is only needed where secrets live in Secrets Manager, and
  // loading it costs cold-start time everywhere else.
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient({});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!SecretString) throw new ConfigError(`secret ${arn} has no string value`);
  return SecretString;
}

const SECRET_ARN_PREFIX = "arn:aws:secretsmanager:";

/** JSON.parse, or undefined for text that is not JSON: its own error quotes the text, here a secret. */
function parsedJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * The value a Secrets Manager string holds: the string itself, or the `jsonKey` field of a JSON
 * object. Any other JSON (a quoted string, an array, a number) is refused, not guessed at.
 * `secret` names the secret in messages, which never show any of its content.
 */
function valueOfSecretString(raw: string, jsonKey: string, secret: string): string {
  const json = parsedJson(raw);
  if (!json) {
    if (raw.trimStart().startsWith("{")) throw new ConfigError(`${secret} starts with "{" but is not valid JSON`);
    return raw;
  }
  if (typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) {
    throw new ConfigError(`${secret} is JSON but not an object: store the value itself, or an object with a "${jsonKey}" field`);
  }
  const field: unknown = (json.value as Record<string, unknown>)[jsonKey];
  if (typeof field !== "string" || field === "") throw new ConfigError(`${secret} has no string "${jsonKey}" field`);
  return field;
}

/**
 * A secret from the environment variable `name`: either the value itself or the ARN of a
 * Secrets Manager secret whose string is the value, or a JSON object holding it under `jsonKey`.
 */
async function resolveSecret(name: string, jsonKey: string): Promise<string> {
  const value = process.env[name];
  if (!value) throw new ConfigError(`${name} environment variable is not set`);
  if (!value.startsWith(SECRET_ARN_PREFIX)) return value;
  return valueOfSecretString(await readSecretString(value), jsonKey, `the secret named by ${name} (${value})`);
}

interface Memoized<T> {
  (): Promise<T>;
  reset(): void;
}

function memoize<T>(load: () => Promise<T>): Memoized<T> {
  let pending: Promise<T> | undefined;
  const get = () => {
    // A failed load is forgotten so that the next invocation retries instead of failing forever.
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return Object.assign(get, { reset: () => (pending = undefined) });
}

export const getJwtSecret = memoize(async () => {
  const secret = await resolveSecret("JWT_SECRET", "secret");
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  return secret;
});

export const getDatabaseUrl = memoize(() => resolveSecret("DATABASE_URL", "url"));

/** Forget everything read so far; for tests that change the environment. */
export function resetConfig(): void {
  settings = undefined;
  getJwtSecret.reset();
  getDatabaseUrl.reset();
}

/**
 * Origins allowed to call the API from a browser (comma-separated `CORS_ORIGINS`). Kept apart
 * from getSettings() because the CORS middleware is built when a handler module loads, and
 * reading this cannot fail.
 */
export function corsOrigins(): string[] {
  return (process.env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
}
