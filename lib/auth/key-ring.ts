import { createHash, createSecretKey, type KeyObject } from "node:crypto";
import { getJwtKeys, type JwtKeys } from "../config/jwt-keys.ts";

// The access tokens' keys. A token names its key with a key id (`kid`) made from the key itself,
// so the same rule serves a key kept in the environment and the versions of a Secrets Manager
// secret, with no version ids to look up. Tokens are signed with the current key and checked
// with the current or the previous one, so a rotation signs no one out.

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

// Versioned, so that a later change of the rule gives other ids rather than colliding ones.
const KEY_ID_LABEL = "serverless-auth-api access token key id v1\n";

/**
 * A key's id: 96 bits of SHA-256 over a fixed label and the key, in base64url. It tells nothing
 * an HS256 signature does not already let one test guesses against, and cannot be turned back
 * into the key.
 */
export function keyIdOf(key: string): string {
  return createHash("sha256").update(KEY_ID_LABEL).update(key).digest("base64url").slice(0, 16);
}

export interface RingKey {
  kid: string;
  /** The key as node:crypto takes it, which tokens are signed and checked with. */
  keyObject: KeyObject;
}

/**
 * The ring's keys with their ids and key objects, made once per ring read rather than per token
 * (a SHA-256 each, and a key object that node:crypto would otherwise make from the string at
 * every HMAC): the config keeps the same JwtKeys object until it reads the secret again.
 */
const ringKeys = new WeakMap<JwtKeys, RingKey[]>();

function ringOf(keys: JwtKeys): RingKey[] {
  let known = ringKeys.get(keys);
  if (!known) {
    known = [keys.current, keys.previous]
      .filter((key) => key !== undefined)
      .map((key) => ({ kid: keyIdOf(key), keyObject: createSecretKey(Buffer.from(key)) }));
    ringKeys.set(keys, known);
  }
  return known;
}

/** The current key. */
export async function signingKey(): Promise<RingKey> {
  return ringOf(await getJwtKeys())[0]!;
}

function keyWithId(keys: JwtKeys, kid: string): KeyObject | undefined {
  return ringOf(keys).find((known) => known.kid === kid)?.keyObject;
}

/**
 * The key to check a token whose header names `kid` with, or undefined when no key has that id.
 * A token without a kid (signed before key ids existed) is checked with the current key only.
 */
export async function verificationKey(kid: string | undefined): Promise<KeyObject | undefined> {
  const keys = await getJwtKeys();
  if (kid === undefined) return ringOf(keys)[0]!.keyObject;
  const key = keyWithId(keys, kid);
  const now = Date.now();
  if (key !== undefined || now - lastUnknownKeyReloadAt < UNKNOWN_KEY_RELOAD_SECONDS * 1000) return key;
  // Counted before the reading, so that a failing one is not tried again at every request either.
  lastUnknownKeyReloadAt = now;
  const found = keyWithId(await getJwtKeys({ maxAgeSeconds: 0 }), kid);
  if (found !== undefined) lastUnknownKeyReloadAt = -Infinity;
  return found;
}
