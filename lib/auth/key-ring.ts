import { createHash, createPublicKey, createSecretKey, type JsonWebKey } from "node:crypto";
import { getJwtKeys, type JwtKeys } from "../config/jwt-keys.ts";
import { getJwtPrivateKeys, SigningKeyNotYetMadeError, type JwtPrivateKey, type JwtPrivateKeys } from "../config/jwt-private-keys.ts";
import { isSecretSet, type SecretRead } from "../config/secret-setting.ts";
import { getSettings } from "../config/settings.ts";
import { logger } from "../logger.ts";
import type { AlgorithmKey, JwsAlgorithm } from "./jws.ts";

// The access tokens' keys: the key pairs of JWT_PRIVATE_KEY and the HMAC secrets of JWT_SECRET,
// each the current and the previous version. A token names its key with a key id (`kid`) made
// from the key itself, so the same rule serves a key kept in the environment and the versions of
// a Secrets Manager secret, with no version ids to look up. Tokens are signed with the current
// key of ACCESS_TOKEN_ALG's kind and checked with any key of the ring, so neither a rotation nor
// a switch between HS256 and a key pair signs anyone out: while JWT_SECRET is set, the HS256
// tokens signed before a switch to RS256 stay valid until they expire.

/**
 * A container holding a key ring from before a rotation meets tokens signed with the new key: it
 * reads the ring again, but after a reading that did not find the key id, not again for this many
 * seconds, so that made-up key ids cannot turn into a Secrets Manager call per request. A reading
 * that found its key starts no wait: two rotations in a row (docs/operations.md's answer to a
 * leaked key) must not leave the second key refused for 30 s. Counted from that reading, not
 * from when the ring was read: a ring read a second before the rotation is as stale as an older
 * one.
 */
export const UNKNOWN_KEY_RELOAD_SECONDS = 30;

let lastUnknownKeyReloadAt = -Infinity;

/**
 * How long verifiers may keep the JWKS (its Cache-Control): a key that leaves it leaves them soon.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * The longest a verifier we document keeps keys whatever the Cache-Control: API Gateway's HTTP
 * API JWT authorizer caches them for up to two hours (jose's createRemoteJWKSet, ten minutes).
 * A new key is published this long before it signs: see publishedFrom.
 */
export const VERIFIER_KEY_CACHE_SECONDS = 2 * 60 * 60;

/**
 * CreatedDate is when a rotation wrote the new key, a few steps before it became AWSCURRENT and
 * so could be read at all: the wait before it signs allows them this much.
 */
export const ROTATION_STEPS_SECONDS = 60;

// Versioned, so that a later change of the rule gives other ids rather than colliding ones.
const KEY_ID_LABEL = "serverless-auth-api access token key id v1\n";

/**
 * An HMAC key's id: 96 bits of SHA-256 over a fixed label and the key, in base64url. It tells
 * nothing an HS256 signature does not already let one test guesses against, and cannot be
 * turned back into the key.
 */
export function keyIdOf(key: string): string {
  return createHash("sha256").update(KEY_ID_LABEL).update(key).digest("base64url").slice(0, 16);
}

/** A public key as the JWKS publishes it (RFC 7517): RSA's n and e, or EC's crv, x and y. */
export interface PublicJwk {
  kty: "RSA" | "EC";
  kid: string;
  alg: JwsAlgorithm;
  use: "sig";
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** The members RFC 7638 hashes, in its order (lexicographic): the key, nothing about its use. */
const THUMBPRINT_MEMBERS = { RSA: ["e", "kty", "n"], EC: ["crv", "kty", "x", "y"] } as const;

/**
 * A key pair's id: its public key's JWK thumbprint (RFC 7638, SHA-256), which any verifier can
 * compute from the JWKS and which names the same key in every container and every version.
 */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty as "RSA" | "EC"];
  const canonical = JSON.stringify(Object.fromEntries(members.map((member) => [member, jwk[member]])));
  return createHash("sha256").update(canonical).digest("base64url");
}

export interface RingKey {
  kid: string;
  /** The HMAC secret or the private key, with the algorithm it signs with. */
  signing: AlgorithmKey;
  /** The HMAC secret or the public key, with the one algorithm it checks. */
  verification: AlgorithmKey;
  /** The public key to publish; none for an HMAC secret. */
  publicJwk?: PublicJwk;
}

interface KeyRing {
  signing: RingKey;
  /** The key that signs until `signing` may (a key pair's previous key), and from when it may. */
  signingUntilPublished?: { key: RingKey; until: number };
  /** The key pairs' current and previous keys, then the HMAC secrets'. */
  keys: RingKey[];
  /** The key a token without `kid` is checked with: the current HMAC secret, if any. */
  withoutKid?: RingKey;
}

function pairKey({ alg, privateKey }: JwtPrivateKey): RingKey {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" });
  const kid = jwkThumbprint(jwk);
  const { kty, n, e, crv, x, y } = jwk as Omit<PublicJwk, "kid" | "alg" | "use">;
  return {
    kid,
    signing: { alg, key: privateKey },
    verification: { alg, key: publicKey },
    publicJwk: kty === "RSA" ? { kty, kid, alg, use: "sig", n, e } : { kty, kid, alg, use: "sig", crv, x, y },
  };
}

function secretKey(secret: string): RingKey {
  const key = { alg: "HS256", key: createSecretKey(Buffer.from(secret)) } as const;
  return { kid: keyIdOf(secret), signing: key, verification: key };
}

/**
 * A new key pair signs only once verifiers can have it: once every container serving the JWKS
 * has read it (SECRETS_MAX_AGE) and every copy of the keys fetched before it was published has
 * expired (VERIFIER_KEY_CACHE_SECONDS). Until then the previous key signs, so that a verifier
 * that never fetches the keys again on an unknown kid still refuses no valid token.
 */
function publishedFrom(createdAt: Date | undefined): number {
  if (createdAt === undefined) return -Infinity;
  return createdAt.getTime() + (getSettings().secretsMaxAgeSeconds + VERIFIER_KEY_CACHE_SECONDS + ROTATION_STEPS_SECONDS) * 1000;
}

/**
 * The ring keys of a read of JWT_PRIVATE_KEY, current first, made once per read (a public key
 * and a thumbprint each) for the ring and the JWKS alike: the config keeps the same object until
 * it reads the secret again.
 */
const pairKeysOfRead = new WeakMap<JwtPrivateKeys, RingKey[]>();

function pairKeysOf(pairs: JwtPrivateKeys): RingKey[] {
  let keys = pairKeysOfRead.get(pairs);
  if (!keys) {
    keys = [pairs.current, pairs.previous].filter((key) => key !== undefined).map(pairKey);
    pairKeysOfRead.set(pairs, keys);
  }
  return keys;
}

function ringOf(pairs: JwtPrivateKeys | undefined, secrets: JwtKeys | undefined): KeyRing {
  const pairKeys = pairs ? pairKeysOf(pairs) : [];
  const secretKeys = [secrets?.current, secrets?.previous].filter((key) => key !== undefined).map(secretKey);
  const byPair = getSettings().accessTokenAlg !== "HS256";
  // With no key pair yet (keyPairs), the HMAC secret signs meanwhile.
  const signing = byPair ? (pairKeys[0] ?? secretKeys[0]) : secretKeys[0];
  // The reads below fail first when the setting's own key is missing.
  if (!signing) throw new Error("no signing key in the key ring");
  if (byPair && pairKeys[0] && signing.signing.alg !== getSettings().accessTokenAlg) {
    // The key's type decides (a switch takes effect at the next rotation): say so where an
    // operator who just changed ACCESS_TOKEN_ALG will look.
    logger.warn("The signing key is not of ACCESS_TOKEN_ALG's kind: tokens are signed with the key's own algorithm until it rotates", {
      accessTokenAlg: getSettings().accessTokenAlg,
      signingAlg: signing.signing.alg,
      kid: signing.kid,
    });
  }
  const [, previousPair] = pairKeys;
  return {
    signing,
    ...(byPair && previousPair && { signingUntilPublished: { key: previousPair, until: publishedFrom(pairs?.current.createdAt) } }),
    keys: [...pairKeys, ...secretKeys],
    ...(secretKeys[0] && { withoutKid: secretKeys[0] }),
  };
}

/**
 * The ring made once per read of the keys rather than per token (key objects, public keys and
 * thumbprints): the config keeps the same objects until it reads the secrets again.
 */
let lastRing: { alg: string; pairs: JwtPrivateKeys | undefined; secrets: JwtKeys | undefined; ring: KeyRing } | undefined;

/**
 * A stage's signing key secret holds no key until its rotation function has run once, moments
 * after the deploy that made it, which also updates the functions: a stage upgraded from HS256,
 * or whose first rotation failed, would fail every token meanwhile. While JWT_SECRET is set, the
 * HMAC secret signs and checks instead, and the key pair's secret is asked again after this many
 * seconds rather than at every request.
 */
export const NO_KEY_PAIR_RETRY_SECONDS = 30;

let noKeyPairUntil = -Infinity;

async function keyPairs(read: SecretRead): Promise<JwtPrivateKeys | undefined> {
  // The environment is read only in the rare case: this runs at every token check.
  if (Date.now() < noKeyPairUntil && isSecretSet("JWT_SECRET")) return undefined;
  try {
    return await getJwtPrivateKeys(read);
  } catch (error) {
    if (!(error instanceof SigningKeyNotYetMadeError) || !isSecretSet("JWT_SECRET")) throw error;
    noKeyPairUntil = Date.now() + NO_KEY_PAIR_RETRY_SECONDS * 1000;
    logger.warn("The signing key secret holds no key yet: the HMAC key (HS256) signs meanwhile", { secret: process.env.JWT_PRIVATE_KEY });
    return undefined;
  }
}

/**
 * The ring. JWT_PRIVATE_KEY must be set for RS256 and ES256, JWT_SECRET for HS256 (the reads
 * throw the ConfigError that says so); either is also read when set, to check the tokens it
 * signed before the last switch.
 */
async function keyRing(read: SecretRead = {}): Promise<KeyRing> {
  const { accessTokenAlg } = getSettings();
  const [pairs, secrets] = await Promise.all([
    accessTokenAlg !== "HS256" || isSecretSet("JWT_PRIVATE_KEY") ? keyPairs(read) : undefined,
    accessTokenAlg === "HS256" || isSecretSet("JWT_SECRET") ? getJwtKeys(read) : undefined,
  ]);
  if (lastRing?.alg !== accessTokenAlg || lastRing.pairs !== pairs || lastRing.secrets !== secrets) {
    lastRing = { alg: accessTokenAlg, pairs, secrets, ring: ringOf(pairs, secrets) };
  }
  return lastRing.ring;
}

/** The current key of ACCESS_TOKEN_ALG's kind, or the one before it while it is being published. */
export async function signingKey(): Promise<RingKey> {
  const { signing, signingUntilPublished } = await keyRing();
  return signingUntilPublished && Date.now() < signingUntilPublished.until ? signingUntilPublished.key : signing;
}

/**
 * The public keys of JWT_PRIVATE_KEY's current and previous versions, current first, for the
 * JWKS; none when it is unset. Read apart from the ring: publishing needs neither the HMAC
 * secret nor the right to read it.
 */
export async function publishedKeys(): Promise<PublicJwk[]> {
  if (!isSecretSet("JWT_PRIVATE_KEY")) return [];
  let pairs: JwtPrivateKeys;
  try {
    pairs = await getJwtPrivateKeys();
  } catch (error) {
    // No key made yet: none to publish, and none signs (keyPairs).
    if (error instanceof SigningKeyNotYetMadeError) return [];
    throw error;
  }
  return pairKeysOf(pairs).map((key) => key.publicJwk!);
}

function keyWithId(ring: KeyRing, kid: string): AlgorithmKey | undefined {
  return ring.keys.find((known) => known.kid === kid)?.verification;
}

/**
 * The key to check a token whose header names `kid` with, or undefined when no key has that id.
 * A token without a kid (signed before key ids existed) is checked with the current HMAC secret
 * only.
 */
export async function verificationKey(kid: string | undefined): Promise<AlgorithmKey | undefined> {
  const ring = await keyRing();
  if (kid === undefined) return ring.withoutKid?.verification;
  const key = keyWithId(ring, kid);
  const now = Date.now();
  if (key !== undefined || now - lastUnknownKeyReloadAt < UNKNOWN_KEY_RELOAD_SECONDS * 1000) return key;
  // Counted before the reading, so that a failing one is not tried again at every request either.
  lastUnknownKeyReloadAt = now;
  const found = keyWithId(await keyRing({ maxAgeSeconds: 0 }), kid);
  if (found !== undefined) lastUnknownKeyReloadAt = -Infinity;
  return found;
}
