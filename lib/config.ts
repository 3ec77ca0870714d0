import { formatDatabaseUrl, withAddress } from "./db/database-url.ts";
import { logger } from "./logger.ts";
import { expiring, readCurrentSecret, readPreviousSecret, SecretsManagerUnavailableError, type KeepOnFailure } from "./secrets.ts";

// Configuration: the one table of settings. Plain settings come from the environment, read once
// per container. The two secrets (JWT_SECRET, DATABASE_URL) hold either the value (local stage)
// or the ARN of a Secrets Manager secret (deployed stages), so a packaged template never carries
// a secret value; what Secrets Manager gives is kept SECRETS_MAX_AGE seconds, so that a rotated
// secret reaches running containers without a deploy.

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface Settings {
  accessTokenTtlSeconds: number;
  /** A session's absolute lifetime: refreshing rotates its token but never extends it. */
  refreshTokenTtlSeconds: number;
  /** Whether a refresh answers a new refresh token (spending the one sent) or the same one again. */
  refreshTokenRotation: RefreshTokenRotation;
  /** Seconds within which a retry with the token a refresh just spent gets the same successor. */
  refreshTokenReuseIntervalSeconds: number;
  bcryptCost: number;
  jwtIssuer: string;
  jwtAudience: string;
  /** How long a container keeps what it read from Secrets Manager. */
  secretsMaxAgeSeconds: number;
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

export const REFRESH_TOKEN_ROTATIONS = ["rotate", "keep"] as const;
export type RefreshTokenRotation = (typeof REFRESH_TOKEN_ROTATIONS)[number];

function oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const choice = choices.find((candidate) => candidate === raw);
  if (choice === undefined) throw new ConfigError(`${name} must be one of ${choices.join(", ")}`);
  return choice;
}

let settings: Settings | undefined;

export function getSettings(): Settings {
  settings ??= {
    accessTokenTtlSeconds: integerFrom("ACCESS_TOKEN_TTL", 15 * 60, 60, 24 * 60 * 60),
    refreshTokenTtlSeconds: integerFrom("REFRESH_TOKEN_TTL", 30 * DAY_SECONDS, 60 * 60, 365 * DAY_SECONDS),
    refreshTokenRotation: oneOf("REFRESH_TOKEN_ROTATION", REFRESH_TOKEN_ROTATIONS, "rotate"),
    // Long enough for a lost answer or a second tab; every second of it is also a thief's.
    refreshTokenReuseIntervalSeconds: integerFrom("REFRESH_TOKEN_REUSE_INTERVAL", 0, 0, 300),
    bcryptCost: integerFrom("BCRYPT_COST", 10, 4, 15),
    jwtIssuer: process.env.JWT_ISSUER || "serverless-auth-api",
    jwtAudience: process.env.JWT_AUDIENCE || "serverless-auth-api",
    secretsMaxAgeSeconds: integerFrom("SECRETS_MAX_AGE", 300, 1, 3600),
  };
  return settings;
}

/** How old a value read from Secrets Manager may be for this read; SECRETS_MAX_AGE unless said. */
export interface SecretRead {
  maxAgeSeconds?: number;
}

/** A Secrets Manager ARN in any partition: aws, aws-cn, aws-us-gov, … */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:/;

/** Where the secret `name` lives: its value is in the environment, or in the Secrets Manager secret `arn`. */
type SecretSource = { value: string } | { arn: string; described: string };

function secretSource(name: string): SecretSource {
  const value = process.env[name];
  if (!value) throw new ConfigError(`${name} environment variable is not set`);
  if (SECRET_ARN.test(value)) return { arn: value, described: `the secret named by ${name} (${value})` };
  // Any other ARN taken for the value itself would be a guessable key or a URL that is not one.
  if (value.startsWith("arn:")) throw new ConfigError(`${name} is an ARN but not of a Secrets Manager secret (${value})`);
  return { value };
}

function unreadable(name: string, arn: string) {
  return (error: unknown): never => {
    // A fault of the way to Secrets Manager, not of the secret: answered as a 503.
    if (error instanceof SecretsManagerUnavailableError) throw error;
    // The SDK's message ("Secrets Manager can't find the specified secret.") names no secret.
    throw new ConfigError(`cannot read the secret named by ${name} (${arn}): ${(error as Error).message}`, { cause: error });
  };
}

/** JSON.parse, or undefined for text that is not JSON: its own error quotes the text, here a secret. */
function parsedJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * A secret's string as a JSON object, or undefined when it is not JSON (the value itself). Any
 * other JSON (a quoted string, an array, a number) is refused, not guessed at; `forms` says in
 * the message what to store instead. Messages never show any of the secret's content.
 */
function jsonObjectIn(text: string, described: string, forms: string): Record<string, unknown> | undefined {
  const json = parsedJson(text);
  if (!json) {
    if (text.trimStart().startsWith("{")) throw new ConfigError(`${described} starts with "{" but is not valid JSON`);
    return undefined;
  }
  if (typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) {
    throw new ConfigError(`${described} is JSON but not an object: store ${forms}`);
  }
  return json.value as Record<string, unknown>;
}

function stringField(object: Record<string, unknown>, field: string, described: string): string {
  const value = object[field];
  if (typeof value !== "string" || value === "") throw new ConfigError(`${described} has no string "${field}" field`);
  return value;
}

// ---- JWT_SECRET: the access tokens' HS256 key ring ----

/**
 * The keys access tokens are checked with: tokens are signed with `current`; `previous` is the
 * secret's AWSPREVIOUS version, so that a rotation signs no one out. Locally only `current`.
 */
export interface JwtKeys {
  current: string;
  previous?: string;
}

/** A JWT key from a secret's string: the string itself or its JSON object's "secret" field. */
function jwtKeyIn(text: string, described: string): string {
  const object = jsonObjectIn(text, described, 'the key itself, or an object with a "secret" field');
  return object ? stringField(object, "secret", described) : text;
}

function isLongEnough(key: string): boolean {
  return key.length >= MIN_JWT_SECRET_LENGTH;
}

function checkedCurrentKey(key: string): string {
  if (!isLongEnough(key)) throw new ConfigError(`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  return key;
}

/**
 * The previous key, if that version could be one. A value stored by mistake (malformed, too
 * short) that a rotation then replaced is left out, rather than failing every token until the
 * next rotation: only the tokens it signed are refused.
 */
function previousKeyIn(text: string | undefined, described: string): string | undefined {
  if (text === undefined) return undefined;
  try {
    const key = jwtKeyIn(text, described);
    return isLongEnough(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Secrets Manager out of reach or throttling us, with a value read before: that value is served
 * for up to an hour past its max age (the secret has most likely not changed), and Secrets
 * Manager is asked again at most every 30 s, with a warning each time. Without an earlier value
 * the request fails with a 503.
 */
const KEEP_ON_OUTAGE: KeepOnFailure = {
  when: (error) => error instanceof SecretsManagerUnavailableError,
  staleForMs: 60 * 60 * 1000,
  retryAfterMs: 30 * 1000,
  onKept: (error, ageMs) => {
    const { arn, code } = error as SecretsManagerUnavailableError;
    logger.warn("Secrets Manager unavailable: serving the value read before", { secret: arn, code, ageSeconds: Math.round(ageMs / 1000) });
  },
};

async function loadJwtKeys(): Promise<JwtKeys> {
  const source = secretSource("JWT_SECRET");
  if ("value" in source) return { current: checkedCurrentKey(source.value) };
  const [current, previous] = await Promise.all([
    readCurrentSecret(source.arn).catch(unreadable("JWT_SECRET", source.arn)),
    // A previous version that cannot be read as a string (a binary one) is no key: left out, as
    // previousKeyIn leaves out one that is malformed. Only an unreachable Secrets Manager fails.
    readPreviousSecret(source.arn).catch((error: unknown) => {
      if (error instanceof SecretsManagerUnavailableError) throw error;
      return undefined;
    }),
  ]);
  const previousKey = previousKeyIn(previous, source.described);
  return { current: checkedCurrentKey(jwtKeyIn(current, source.described)), ...(previousKey !== undefined && { previous: previousKey }) };
}

const jwtKeys = expiring(loadJwtKeys, maxAgeMs, { keepOnFailure: KEEP_ON_OUTAGE });

export function getJwtKeys(read: SecretRead = {}): Promise<JwtKeys> {
  return jwtKeys.get(maxAgeMsOf(read));
}

// ---- DATABASE_URL: the database's URL ----

const SUPPORTED_ENGINES = new Set(["mysql", "mariadb", "aurora-mysql"]);
// A host name or an IP address: nothing that could end the URL's host part early (/, @, ?, #).
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$|^[0-9A-Fa-f:.]+$/;

interface AddressParts {
  host?: string;
  port?: number;
  database?: string;
}

/** DATABASE_HOST, DATABASE_PORT and DATABASE_NAME: when set, they win over what DATABASE_URL gives. */
function addressFromEnvironment(): AddressParts {
  const host = process.env.DATABASE_HOST || undefined;
  if (host !== undefined && !HOST.test(host)) throw new ConfigError("DATABASE_HOST must be a host name or an IP address");
  const port = process.env.DATABASE_PORT ? integerFrom("DATABASE_PORT", 3306, 1, 65535) : undefined;
  const database = process.env.DATABASE_NAME || undefined;
  return { host, port, database };
}

/** A port as RDS secrets write it: a number, or a string of digits. */
function portIn(secret: Record<string, unknown>, described: string): number | undefined {
  const { port } = secret;
  if (port === undefined) return undefined;
  const value = typeof port === "string" && /^[0-9]+$/.test(port) ? Number(port) : port;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${described} has a "port" field that is not a port number`);
  }
  return value;
}

/**
 * The URL of a secret in Secrets Manager's RDS form: {username, password, engine, host, port,
 * dbname}. A secret that RDS manages itself (ManageMasterUserPassword) holds only username and
 * password: host, port and database name then come from the environment, which also wins over
 * the secret's own (DATABASE_HOST naming an RDS Proxy endpoint, say).
 */
function urlOfRdsSecret(secret: Record<string, unknown>, described: string, environment: AddressParts): string {
  const user = stringField(secret, "username", described);
  const password = stringField(secret, "password", described);
  if (secret.engine !== undefined && !(typeof secret.engine === "string" && SUPPORTED_ENGINES.has(secret.engine))) {
    throw new ConfigError(`${described} is for an engine other than mysql or mariadb, which this API does not support`);
  }
  const host = environment.host ?? secret.host;
  if (typeof host !== "string" || host === "") throw new ConfigError(`${described} has no string "host" field: add one, or set DATABASE_HOST`);
  if (!HOST.test(host)) throw new ConfigError(`${described} has a "host" field that is not a host name or an IP address`);
  const database = environment.database ?? secret.dbname;
  if (typeof database !== "string" || database === "") {
    throw new ConfigError(`${described} has no string "dbname" field: add one, or set DATABASE_NAME`);
  }
  const port = environment.port ?? portIn(secret, described) ?? 3306;
  return formatDatabaseUrl({ host, port, user, password, database });
}

/** A URL the environment changes nothing of, or that URL with what the environment sets. */
function withEnvironment(url: string, { host, port, database }: AddressParts): string {
  return host || port || database ? withAddress(url, { host, port, database }) : url;
}

/** A database URL from a secret's string: the URL itself, JSON {"url": …}, or an RDS secret. */
function databaseUrlIn(text: string, described: string, environment: AddressParts): string {
  const object = jsonObjectIn(text, described, 'the URL itself, an object with a "url" field, or an RDS secret (username, password, host, …)');
  if (!object) return withEnvironment(text, environment);
  if ("url" in object) return withEnvironment(stringField(object, "url", described), environment);
  if ("username" in object || "password" in object) return urlOfRdsSecret(object, described, environment);
  throw new ConfigError(`${described} has neither a "url" field nor the "username" and "password" fields of an RDS secret`);
}

async function loadDatabaseUrl(): Promise<string> {
  const source = secretSource("DATABASE_URL");
  const environment = addressFromEnvironment();
  if ("value" in source) return withEnvironment(source.value, environment);
  return databaseUrlIn(await readCurrentSecret(source.arn).catch(unreadable("DATABASE_URL", source.arn)), source.described, environment);
}

const databaseUrl = expiring(loadDatabaseUrl, maxAgeMs, { keepOnFailure: KEEP_ON_OUTAGE });

export function getDatabaseUrl(read: SecretRead = {}): Promise<string> {
  return databaseUrl.get(maxAgeMsOf(read));
}

/** The max age a read asks for, in ms; undefined for the cache's own (SECRETS_MAX_AGE). */
function maxAgeMsOf(read: SecretRead): number | undefined {
  return read.maxAgeSeconds === undefined ? undefined : read.maxAgeSeconds * 1000;
}

function maxAgeMs(): number {
  return getSettings().secretsMaxAgeSeconds * 1000;
}

/** Forget everything read so far; for tests that change the environment. */
export function resetConfig(): void {
  settings = undefined;
  jwtKeys.reset();
  databaseUrl.reset();
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
