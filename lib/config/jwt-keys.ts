import { ConfigError, onResetConfig } from "./environment.ts";
import { jsonObjectIn, KEEP_ON_OUTAGE, maxAgeMs, maxAgeMsOf, previousVersionOfKey, secretSource, stringField, unreadable, type SecretRead } from "./secret-setting.ts";
import { expiring, readCurrentSecret } from "./secrets-manager.ts";

// JWT_SECRET: the access tokens' HS256 key ring.

const MIN_JWT_SECRET_LENGTH = 32;

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

async function loadJwtKeys(): Promise<JwtKeys> {
  const source = secretSource("JWT_SECRET");
  if ("value" in source) return { current: checkedCurrentKey(source.value) };
  const [current, previous] = await Promise.all([
    readCurrentSecret(source.arn).catch(unreadable("JWT_SECRET", source.arn)),
    previousVersionOfKey(source.arn),
  ]);
  const previousKey = previousKeyIn(previous, source.described);
  return { current: checkedCurrentKey(jwtKeyIn(current, source.described)), ...(previousKey !== undefined && { previous: previousKey }) };
}

const jwtKeys = expiring(loadJwtKeys, maxAgeMs, { keepOnFailure: KEEP_ON_OUTAGE });
onResetConfig(() => jwtKeys.reset());

export function getJwtKeys(read: SecretRead = {}): Promise<JwtKeys> {
  return jwtKeys.get(maxAgeMsOf(read));
}
