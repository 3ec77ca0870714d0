import { createPrivateKey, type KeyObject } from "node:crypto";
import { ConfigError, onResetConfig } from "./environment.ts";
import { jsonObjectIn, KEEP_ON_OUTAGE, maxAgeMs, maxAgeMsOf, previousVersionOfKey, secretSource, stringField, unreadable, type SecretRead } from "./secret-setting.ts";
import { expiring, readCurrentSecretVersion, type SecretVersion } from "./secrets-manager.ts";

// JWT_PRIVATE_KEY: the key pairs access tokens are signed with when ACCESS_TOKEN_ALG is RS256 or
// ES256, as JWT_SECRET's key ring is for HS256: the current version signs, the previous one
// (AWSPREVIOUS) still verifies, so that a rotation signs no one out.

/** The algorithm a private key signs with: its type decides, so a rotation can change it. */
export type KeyPairAlgorithm = "RS256" | "ES256";

export interface JwtPrivateKey {
  alg: KeyPairAlgorithm;
  privateKey: KeyObject;
  /** When its Secrets Manager version was made; unknown for a key in the environment. */
  createdAt?: Date;
}

export interface JwtPrivateKeys {
  current: JwtPrivateKey;
  previous?: JwtPrivateKey;
}

/**
 * RSA from 2048 bits (RFC 7518 §3.3) to 4096, which bounds what one verify costs; EC only on
 * P-256, the curve ES256 names. Anything else (Ed25519, P-384, RSA-PSS keys) signs no token here.
 */
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 4096;
const KEY_FORMS = `an RSA key of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits or an EC P-256 key, as PEM (PKCS#8 "BEGIN PRIVATE KEY", or PKCS#1 or SEC 1), not encrypted`;

function keyPairAlgorithmOf(key: KeyObject): KeyPairAlgorithm | undefined {
  const { asymmetricKeyType, asymmetricKeyDetails } = key;
  const bits = asymmetricKeyDetails?.modulusLength ?? 0;
  if (asymmetricKeyType === "rsa" && bits >= MIN_RSA_BITS && bits <= MAX_RSA_BITS) return "RS256";
  if (asymmetricKeyType === "ec" && asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  return undefined;
}

/**
 * The key in a secret's string or an environment value: the PEM itself, or a JSON object's
 * "privateKey" field. A value with `\n` written out, as one-line environment values often have
 * it, is read with line breaks. Messages never show any of the key. Also the rotation function's
 * test of a new key (functions/ops/rotate-signing-key.ts): what it accepts, this API signs with.
 */
export function privateKeyIn(text: string, described: string): JwtPrivateKey {
  const object = jsonObjectIn(text, described, 'the PEM itself, or an object with a "privateKey" field');
  const pem = (object ? stringField(object, "privateKey", described) : text).replaceAll("\\n", "\n");
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new ConfigError(`${described} is not a private key: store ${KEY_FORMS}`);
  }
  const alg = keyPairAlgorithmOf(privateKey);
  if (alg === undefined) throw new ConfigError(`${described} is a key of another kind: store ${KEY_FORMS}`);
  return { alg, privateKey };
}

/**
 * The previous key, if that version is one. A value stored by mistake that a rotation then
 * replaced is left out, rather than failing every token until the next rotation: only the
 * tokens it signed are refused. A value put by hand before the first rotation, one that never was
 * a key, is such a value.
 */
function previousKeyIn(text: string | undefined, described: string): JwtPrivateKey | undefined {
  if (text === undefined) return undefined;
  try {
    return privateKeyIn(text, described);
  } catch {
    return undefined;
  }
}

/** The stack's signing key secret has no version yet: its rotation function has not run once. */
export class SigningKeyNotYetMadeError extends ConfigError {
  override name = "SigningKeyNotYetMadeError";
}

/**
 * The current version's string. The stack's secret has no version at all until its rotation
 * function has written the first key, when the stack is deployed (resources/secrets.yml): said
 * so, with where to look, rather than only as Secrets Manager's "can't find".
 */
function readCurrentKey(arn: string): Promise<SecretVersion> {
  return readCurrentSecretVersion(arn).catch((error: unknown) => {
    if ((error as Error).name !== "ResourceNotFoundException") return unreadable("JWT_PRIVATE_KEY", arn)(error);
    throw new SigningKeyNotYetMadeError(
      `cannot read the secret named by JWT_PRIVATE_KEY (${arn}): ${(error as Error).message} ` +
        "A signing key secret the stack made holds no key until its rotation function (rotateSigningKey) has run once: " +
        "see its logs, and docs/operations.md#rotate-the-jwt-key",
      { cause: error },
    );
  });
}

async function loadJwtPrivateKeys(): Promise<JwtPrivateKeys> {
  const source = secretSource("JWT_PRIVATE_KEY");
  if ("value" in source) return { current: privateKeyIn(source.value, "JWT_PRIVATE_KEY") };
  const [current, previous] = await Promise.all([
    readCurrentKey(source.arn),
    previousVersionOfKey(source.arn),
  ]);
  const previousKey = previousKeyIn(previous, source.described);
  const currentKey = { ...privateKeyIn(current.value, source.described), ...(current.createdAt && { createdAt: current.createdAt }) };
  return { current: currentKey, ...(previousKey !== undefined && { previous: previousKey }) };
}

const jwtPrivateKeys = expiring(loadJwtPrivateKeys, maxAgeMs, { keepOnFailure: KEEP_ON_OUTAGE });
onResetConfig(() => jwtPrivateKeys.reset());

export function getJwtPrivateKeys(read: SecretRead = {}): Promise<JwtPrivateKeys> {
  return jwtPrivateKeys.get(maxAgeMsOf(read));
}
