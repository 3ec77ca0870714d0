import { createHmac, sign, timingSafeEqual, verify, type KeyObject } from "node:crypto";

// Compact JWS (RFC 7515) with HS256, RS256 and ES256, signed and checked with node:crypto alone,
// rather than with jsonwebtoken or jose. Measured on the packaged functions (npm run bench):
// jsonwebtoken brings semver, jws, jwa and lodash into the authorizer's bundle and cold start,
// and reads a string key as a PEM first, at every call; jose converts its key at every call
// unless one caches a CryptoKey. With the algorithm bound to the key, what is left is a split,
// two JSON.parse and one HMAC or signature check. The unit tests check both directions against
// jsonwebtoken and jose: what they sign, we accept, and what we sign, they accept.

export const JWS_ALGORITHMS = ["HS256", "RS256", "ES256"] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/**
 * A key together with the one algorithm it is used with. A token is checked only with a key of
 * the algorithm its header names, so a public key can never be taken for an HMAC secret (the
 * classic "alg confusion") and an RSA key never checks an ES256 token.
 */
export interface AlgorithmKey {
  alg: JwsAlgorithm;
  /** The HMAC secret, or the private key to sign with, or the public key to check with. */
  key: KeyObject;
}

/** Three base64url parts, none empty: an unsigned token (alg "none") is not even read. */
const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export interface Jws {
  header: Record<string, unknown>;
  alg: JwsAlgorithm;
  /** `header.payload` as sent: the text the signature covers. */
  signingInput: string;
  payloadPart: string;
  signature: string;
}

function base64urlJson(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/**
 * ES256 signatures are r and s side by side, 32 bytes each (RFC 7518 §3.4), not the DER that
 * node:crypto writes and reads by default.
 */
const ECDSA_JOSE = { dsaEncoding: "ieee-p1363" } as const;

function signatureOf(signingInput: string, { alg, key }: AlgorithmKey): string {
  const data = Buffer.from(signingInput);
  switch (alg) {
    case "HS256":
      return createHmac("sha256", key).update(data).digest("base64url");
    case "RS256":
      return sign("sha256", data, key).toString("base64url");
    case "ES256":
      return sign("sha256", data, { key, ...ECDSA_JOSE }).toString("base64url");
  }
}

/** `header` and `payload`, signed with `signingKey` in its algorithm, as a compact JWS. */
export function signedJws(header: Record<string, unknown>, payload: Record<string, unknown>, signingKey: AlgorithmKey): string {
  const signingInput = `${base64urlJson({ ...header, alg: signingKey.alg, typ: "JWT" })}.${base64urlJson(payload)}`;
  return `${signingInput}.${signatureOf(signingInput, signingKey)}`;
}

/**
 * UTF-8 as RFC 7519 §7.2 requires, or a refusal: Buffer's decoder would put U+FFFD for bad bytes
 * and so read a claim the signer never wrote. ignoreBOM keeps a byte order mark in the text,
 * where JSON.parse refuses it, rather than dropping it silently.
 */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A base64url part holding a JSON object, or undefined: JSON.parse's own message would quote it. */
function jsonObjectIn(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(UTF8.decode(Buffer.from(part, "base64url")));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return JWS_ALGORITHMS.includes(alg as JwsAlgorithm);
}

/**
 * The token as a compact JWS whose header names one of our algorithms, or undefined. Its
 * signature is not checked yet. A header with `crit` is refused whatever it lists (RFC 7515
 * §4.1.11): we understand no extension, and one we ignored could change what the signature
 * means (b64, RFC 7797).
 */
export function parsedJws(token: string): Jws | undefined {
  const parts = COMPACT_JWS.exec(token);
  if (!parts) return undefined;
  const [, headerPart = "", payloadPart = "", signature = ""] = parts;
  const header = jsonObjectIn(headerPart);
  if (!header || !isJwsAlgorithm(header.alg) || "crit" in header) return undefined;
  return { header, alg: header.alg, signingInput: `${headerPart}.${payloadPart}`, payloadPart, signature };
}

/**
 * Whether the signature is `verificationKey`'s. A signature has one spelling: base64url text
 * that decodes to the same bytes with other trailing bits is refused, as jsonwebtoken refuses it
 * for HS256 by comparing text.
 */
function hasValidSignature(jws: Jws, { alg, key }: AlgorithmKey): boolean {
  if (alg === "HS256") {
    const expected = Buffer.from(createHmac("sha256", key).update(jws.signingInput).digest("base64url"));
    const given = Buffer.from(jws.signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  const signature = Buffer.from(jws.signature, "base64url");
  if (signature.toString("base64url") !== jws.signature) return false;
  const data = Buffer.from(jws.signingInput);
  try {
    return alg === "RS256" ? verify("sha256", data, key, signature) : verify("sha256", data, { key, ...ECDSA_JOSE }, signature);
  } catch {
    // node:crypto throws for some malformed signatures rather than answering false.
    return false;
  }
}

/**
 * The payload (a JSON object) of a JWS that `verificationKey` signed, or undefined. A key checks
 * only tokens of its own algorithm, whatever the token's header says.
 */
export function verifiedPayload(jws: Jws, verificationKey: AlgorithmKey): Record<string, unknown> | undefined {
  if (jws.alg !== verificationKey.alg || !hasValidSignature(jws, verificationKey)) return undefined;
  return jsonObjectIn(jws.payloadPart);
}
