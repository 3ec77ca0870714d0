import { logger } from "../logger.ts";
import { ConfigError } from "./environment.ts";
import { readPreviousSecret, SecretsManagerUnavailableError, type KeepOnFailure } from "./secrets-manager.ts";
import { getSettings } from "./settings.ts";

// A secret setting (JWT_SECRET, DATABASE_URL) holds either the value (local stage) or the ARN of
// a Secrets Manager secret (deployed stages), so a packaged template never carries a secret
// value; what Secrets Manager gives is kept SECRETS_MAX_AGE seconds, so that a rotated secret
// reaches running containers without a deploy. What the secret's string means is its reader's
// business (lib/config/jwt-keys.ts, lib/db/database-secret.ts).

/** How old a value read from Secrets Manager may be for this read; SECRETS_MAX_AGE unless said. */
export interface SecretRead {
  maxAgeSeconds?: number;
}

/** A Secrets Manager ARN in any partition: aws, aws-cn, aws-us-gov, … */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:/;

/** Where the secret `name` lives: its value is in the environment, or in the Secrets Manager secret `arn`. */
export type SecretSource = { value: string } | { arn: string; described: string };

export function secretSource(name: string): SecretSource {
  const value = process.env[name];
  if (!value) throw new ConfigError(`${name} environment variable is not set`);
  if (SECRET_ARN.test(value)) return { arn: value, described: `the secret named by ${name} (${value})` };
  // Any other ARN taken for the value itself would be a guessable key or a URL that is not one.
  if (value.startsWith("arn:")) throw new ConfigError(`${name} is an ARN but not of a Secrets Manager secret (${value})`);
  return { value };
}

/** Whether the secret `name` is set at all, for a secret that only some settings need. */
export function isSecretSet(name: string): boolean {
  return Boolean(process.env[name]);
}

export function unreadable(name: string, arn: string) {
  return (error: unknown): never => {
    // A fault of the way to Secrets Manager, not of the secret: answered as a 503.
    if (error instanceof SecretsManagerUnavailableError) throw error;
    // The SDK's message ("Secrets Manager can't find the specified secret.") names no secret.
    throw new ConfigError(`cannot read the secret named by ${name} (${arn}): ${(error as Error).message}`, { cause: error });
  };
}

/**
 * The string a key ring's secret held before its last rotation, or undefined. A previous version
 * that cannot be read as a string (a binary one) is no key: left out, as the rings leave out one
 * that is malformed. Only an unreachable Secrets Manager fails.
 */
export function previousVersionOfKey(arn: string): Promise<string | undefined> {
  return readPreviousSecret(arn).catch((error: unknown) => {
    if (error instanceof SecretsManagerUnavailableError) throw error;
    return undefined;
  });
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
export function jsonObjectIn(text: string, described: string, forms: string): Record<string, unknown> | undefined {
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

export function stringField(object: Record<string, unknown>, field: string, described: string): string {
  const value = object[field];
  if (typeof value !== "string" || value === "") throw new ConfigError(`${described} has no string "${field}" field`);
  return value;
}

/**
 * Secrets Manager out of reach or throttling us, with a value read before: that value is served
 * for up to an hour past its max age (the secret has most likely not changed), and Secrets
 * Manager is asked again at most every 30 s, with a warning each time. Without an earlier value
 * the request fails with a 503.
 */
export const KEEP_ON_OUTAGE: KeepOnFailure = {
  when: (error) => error instanceof SecretsManagerUnavailableError,
  staleForMs: 60 * 60 * 1000,
  retryAfterMs: 30 * 1000,
  onKept: (error, ageMs) => {
    const { arn, code } = error as SecretsManagerUnavailableError;
    logger.warn("Secrets Manager unavailable: serving the value read before", { secret: arn, code, ageSeconds: Math.round(ageMs / 1000) });
  },
};

/** The max age a read asks for, in ms; undefined for the cache's own (SECRETS_MAX_AGE). */
export function maxAgeMsOf(read: SecretRead): number | undefined {
  return read.maxAgeSeconds === undefined ? undefined : read.maxAgeSeconds * 1000;
}

export function maxAgeMs(): number {
  return getSettings().secretsMaxAgeSeconds * 1000;
}
