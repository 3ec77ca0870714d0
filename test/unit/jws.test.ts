import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { calculateJwkThumbprint, createLocalJWKSet, importSPKI, jwtVerify, SignJWT, type JWK } from "jose";
import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsedJws, signedJws, verifiedPayload, type AlgorithmKey } from "../../lib/auth/jws.ts";
import { jwkThumbprint, keyIdOf, publishedKeys } from "../../lib/auth/key-ring.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { signAccessToken, type AccessTokenClaims } from "../../lib/auth/tokens.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { INVALID_TOKEN, UnauthorizedError } from "../../lib/errors.ts";
import { BASE64URL } from "../support/token-edits.ts";

// lib/auth/jws.ts with RS256 and ES256 (HS256 beside them), judged by two implementations of
// their own: jose (WebCrypto) and jsonwebtoken (node:crypto through jwa). What they sign with our
// key we accept, and what we sign they accept. Then tokens that differ from a valid one in one
// respect each, refused both by verifiedPayload with the right key and by verifyAccessToken with
// the key ring: the unit setup's RSA key pair and JWT_SECRET, or an EC key pair in the RSA one's
// place.

type Signer = (signingInput: string) => string;

const rs256 =
  (key: KeyObject): Signer =>
  (input) =>
    sign("sha256", Buffer.from(input), key).toString("base64url");
const es256 =
  (key: KeyObject): Signer =>
  (input) =>
    sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
/** ES256 as node:crypto signs by default: an ASN.1 DER sequence of r and s, not JOSE's r||s. */
const es256Der =
  (key: KeyObject): Signer =>
  (input) =>
    sign("sha256", Buffer.from(input), key).toString("base64url");
const hs256 =
  (key: string): Signer =>
  (input) =>
    createHmac("sha256", key).update(input).digest("base64url");

interface KeyPair {
  alg: "RS256" | "ES256";
  pem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as SPKI PEM: the text an alg-confusion attacker would take for an HMAC key. */
  spki: string;
  jwk: JsonWebKey;
  kid: string;
  /** Signs in the pair's own algorithm, in JWS's form. */
  sign: Signer;
  verification: AlgorithmKey;
}

function keyPair(pem: string): KeyPair {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" });
  const alg = jwk.kty === "RSA" ? "RS256" : "ES256";
  return {
    alg,
    pem,
    privateKey,
    publicKey,
    spki: publicKey.export({ type: "spki", format: "pem" }) as string,
    jwk,
    kid: jwkThumbprint(jwk),
    sign: alg === "RS256" ? rs256(privateKey) : es256(privateKey),
    verification: { alg, key: publicKey },
  };
}

const SECRET = process.env.JWT_SECRET!;
const HMAC: AlgorithmKey = { alg: "HS256", key: createSecretKey(Buffer.from(SECRET)) };
/** The unit setup's key pair, which the key ring signs with unless a test puts EC's in its place. */
const RSA = keyPair(process.env.JWT_PRIVATE_KEY!);
const EC = keyPair(newSigningKeyPem("ES256"));
const PAIRS = [RSA, EC];
/** Key pairs of the same kinds that are not ours. */
const OTHER = { RS256: keyPair(newSigningKeyPem("RS256")), ES256: keyPair(newSigningKeyPem("ES256")) };

const NOW = Math.floor(Date.now() / 1000);
const ISSUER = "serverless-auth-api";
const CLAIMS = { sub: "42", username: "mona", roles: ["user"], iss: ISSUER, aud: ISSUER, iat: NOW, exp: NOW + 600 };
const MONA: AccessTokenClaims = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };

function base64urlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A token of this header and payload, signed by `signer` whatever the header says. */
function forge(header: object, signer: Signer, payload: object = CLAIMS): string {
  const signingInput = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  return `${signingInput}.${signer(signingInput)}`;
}

/** The token as our signer writes it with `pair`: its algorithm, typ JWT and its kid. */
function wellFormed(pair: KeyPair): string {
  return forge({ alg: pair.alg, typ: "JWT", kid: pair.kid }, pair.sign);
}

/** The token with its signature part replaced. */
function withSignature(token: string, signature: string): string {
  return `${token.slice(0, token.lastIndexOf("."))}.${signature}`;
}

function signatureBytes(token: string): Buffer {
  return Buffer.from(token.slice(token.lastIndexOf(".") + 1), "base64url");
}

/** The claims verifyAccessToken gives, "refused" for its one refusal, or whatever else it threw. */
async function outcome(token: string): Promise<unknown> {
  return verifyAccessToken(token).then(
    (claims) => claims,
    (error: unknown) => (error instanceof UnauthorizedError && error.message === INVALID_TOKEN ? "refused" : error),
  );
}

/** What verifiedPayload gives with `key` for the token, undefined when parsedJws refuses it already. */
function payloadWith(token: string, key: AlgorithmKey): Record<string, unknown> | undefined {
  const jws = parsedJws(token);
  return jws && verifiedPayload(jws, key);
}

/**
 * Signatures the pair's private key makes over the same text, but not as its algorithm says: a
 * check that let the signature pick the hash or the padding would take them.
 */
function otherWaysOf({ alg, privateKey }: KeyPair): [string, Signer][] {
  const signed = (hash: string, options: object) => (input: string) => sign(hash, Buffer.from(input), { key: privateKey, ...options }).toString("base64url");
  const form = alg === "RS256" ? {} : { dsaEncoding: "ieee-p1363" };
  return [
    ["with SHA-384", signed("sha384", form)],
    ["with SHA-512", signed("sha512", form)],
    ["with SHA-1", signed("sha1", form)],
    ...(alg === "RS256" ? [["with PSS padding (PS256)", signed("sha256", { padding: constants.RSA_PKCS1_PSS_PADDING })] as [string, Signer]] : []),
  ];
}

/** Puts the pair in the key ring (JWT_PRIVATE_KEY) in place of the unit setup's. */
function useKeyPair(pair: KeyPair): void {
  process.env.JWT_PRIVATE_KEY = pair.pem;
  resetConfig();
}

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

describe.each(PAIRS.map((pair) => [pair.alg, pair] as const))("%s against jose and jsonwebtoken", (_alg, pair) => {
  beforeEach(() => useKeyPair(pair));

  it("names the key pair by the RFC 7638 thumbprint jose computes", async () => {
    expect(pair.kid).toBe(await calculateJwkThumbprint(pair.jwk as JWK));
  });

  it("signs tokens jose accepts with the public key as SPKI PEM, header and payload as written", async () => {
    // Act
    const token = signedJws({ kid: pair.kid }, CLAIMS, { alg: pair.alg, key: pair.privateKey });
    // Assess
    const { protectedHeader, payload } = await jwtVerify(token, await importSPKI(pair.spki, pair.alg), { algorithms: [pair.alg] });
    expect(protectedHeader).toEqual({ kid: pair.kid, alg: pair.alg, typ: "JWT" });
    expect(payload).toEqual(CLAIMS);
  });

  it("signs tokens jsonwebtoken accepts with the public key as SPKI PEM", () => {
    const token = signedJws({ kid: pair.kid }, CLAIMS, { alg: pair.alg, key: pair.privateKey });
    const { header, payload } = jwt.verify(token, pair.spki, { algorithms: [pair.alg], complete: true });
    expect(header).toEqual({ kid: pair.kid, alg: pair.alg, typ: "JWT" });
    expect(payload).toEqual(CLAIMS);
  });

  it("signs access tokens jose accepts through the JWKS the key ring publishes", async () => {
    // Prepare
    const { accessToken } = await signAccessToken(MONA);
    const jwks = createLocalJWKSet({ keys: await publishedKeys() });
    // Act
    const { protectedHeader, payload } = await jwtVerify(accessToken, jwks, { issuer: ISSUER, audience: ISSUER, algorithms: [pair.alg] });
    // Assess
    expect(protectedHeader).toEqual({ kid: pair.kid, alg: pair.alg, typ: "JWT" });
    expect(payload).toMatchObject({ sub: "42", username: "mona", roles: ["user"] });
  });

  it("accepts what jose signs with the same private key", async () => {
    // Prepare
    const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg: pair.alg, typ: "JWT", kid: pair.kid }).sign(pair.privateKey);
    // Act and assess: the primitive with the public key, and the whole check with the key ring.
    expect(payloadWith(token, pair.verification)).toEqual(CLAIMS);
    expect(await outcome(token)).toEqual(MONA);
  });

  it("accepts what jsonwebtoken signs with the same private key as PEM", async () => {
    const token = jwt.sign(CLAIMS, pair.pem, { algorithm: pair.alg, keyid: pair.kid });
    expect(payloadWith(token, pair.verification)).toEqual(CLAIMS);
    expect(await outcome(token)).toEqual(MONA);
  });
});

describe("the algorithm a key checks", () => {
  it("is the key's own: a token is accepted only when its header names that algorithm and the key signed it", () => {
    // Every header algorithm with every signature, checked with every key: a header may not pick
    // how a key is used, so of 45 combinations exactly 3 are accepted.
    const signatures: Record<string, Signer> = {
      "HMAC with the secret": hs256(SECRET),
      "RS256 by the RSA key": RSA.sign,
      "ES256 by the EC key": EC.sign,
      "ES256 by the EC key, DER": es256Der(EC.privateKey),
      "HMAC keyed with the RSA public key PEM": hs256(RSA.spki),
      "HMAC keyed with the EC public key PEM": hs256(EC.spki),
    };
    const keys = { "HMAC secret": HMAC, "RSA public key": RSA.verification, "EC public key": EC.verification };
    const accepted: string[] = [];
    for (const alg of ["HS256", "RS256", "ES256"]) {
      for (const [signatureName, signer] of Object.entries(signatures)) {
        const token = forge({ alg, typ: "JWT" }, signer);
        for (const [keyName, key] of Object.entries(keys)) {
          if (payloadWith(token, key) !== undefined) accepted.push(`${alg} header, ${signatureName}, checked with the ${keyName}`);
        }
      }
    }
    expect(accepted).toEqual([
      "HS256 header, HMAC with the secret, checked with the HMAC secret",
      "RS256 header, RS256 by the RSA key, checked with the RSA public key",
      "ES256 header, ES256 by the EC key, checked with the EC public key",
    ]);
  });
});

describe("the key ring's key ids", () => {
  // The unit setup's ring: the RSA key pair and the HMAC secret JWT_SECRET.
  it.each([
    ["RS256", () => wellFormed(RSA)],
    ["HS256", () => forge({ alg: "HS256", typ: "JWT", kid: keyIdOf(SECRET) }, hs256(SECRET))],
  ])("accept the well-formed %s token the cases below change in one respect", async (_alg, token) => {
    expect(await outcome(token())).toEqual(MONA);
  });

  it.each([
    [
      "HS256 with the key pair's kid",
      "an HMAC keyed with its public key as SPKI PEM",
      () => forge({ alg: "HS256", typ: "JWT", kid: RSA.kid }, hs256(RSA.spki)),
    ],
    [
      "HS256 with the key pair's kid",
      "an HMAC keyed with its public key as JWK text",
      () => forge({ alg: "HS256", typ: "JWT", kid: RSA.kid }, hs256(JSON.stringify(RSA.jwk))),
    ],
    ["HS256 without kid", "an HMAC keyed with the RSA public key as SPKI PEM", () => forge({ alg: "HS256", typ: "JWT" }, hs256(RSA.spki))],
    ["HS256 with the key pair's kid", "the key pair's own RS256 signature", () => forge({ alg: "HS256", typ: "JWT", kid: RSA.kid }, RSA.sign)],
    ["RS256 with the HMAC secret's kid", "an HMAC keyed with that secret", () => forge({ alg: "RS256", typ: "JWT", kid: keyIdOf(SECRET) }, hs256(SECRET))],
    ["RS256 with the HMAC secret's kid", "the key pair's RS256 signature", () => forge({ alg: "RS256", typ: "JWT", kid: keyIdOf(SECRET) }, RSA.sign)],
    ["ES256 with the RSA key pair's kid", "that key pair's RS256 signature", () => forge({ alg: "ES256", typ: "JWT", kid: RSA.kid }, RSA.sign)],
    // Only the HMAC secret checks tokens without kid (those signed before key ids existed).
    ["RS256 without kid", "the key pair's RS256 signature", () => forge({ alg: "RS256", typ: "JWT" }, RSA.sign)],
  ])("refuse a token whose header says %s, under %s", async (_header, _signature, token) => {
    expect(await outcome(token())).toBe("refused");
  });

  it("refuse an ES256 token of the EC key pair under the RSA key pair's kid, EC's own kid being accepted", async () => {
    useKeyPair(EC);
    expect(await outcome(wellFormed(EC))).toEqual(MONA);
    expect(await outcome(forge({ alg: "ES256", typ: "JWT", kid: RSA.kid }, EC.sign))).toBe("refused");
  });
});

describe("algorithms other than HS256, RS256 and ES256", () => {
  const P384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const ED25519 = generateKeyPairSync("ed25519");

  // Each token is one jose accepts under its own algorithm, with the key that signed it: only
  // the algorithm can be why we refuse it. The kid names our RSA key pair throughout.
  it.each([
    ["RS384", "our RSA key", RSA.privateKey, RSA.publicKey],
    ["RS512", "our RSA key", RSA.privateKey, RSA.publicKey],
    ["PS256", "our RSA key", RSA.privateKey, RSA.publicKey],
    ["ES384", "a P-384 key", P384.privateKey, P384.publicKey],
    ["EdDSA", "an Ed25519 key", ED25519.privateKey, ED25519.publicKey],
  ])("refuse %s signed with %s, before checking any signature", async (alg, _signedBy, privateKey, publicKey) => {
    // Prepare
    const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg, typ: "JWT", kid: RSA.kid }).sign(privateKey);
    await expect(jwtVerify(token, publicKey, { algorithms: [alg] })).resolves.toMatchObject({ payload: CLAIMS });
    // Act and assess
    expect(parsedJws(token)).toBeUndefined();
    expect(await outcome(token)).toBe("refused");
  });

  it.each([
    ["no signature", () => forge({ alg: "none", typ: "JWT", kid: RSA.kid }, () => "")],
    ["our RSA key's RS256 signature", () => forge({ alg: "none", typ: "JWT", kid: RSA.kid }, RSA.sign)],
    ["an HMAC with our secret", () => forge({ alg: "none", typ: "JWT", kid: keyIdOf(SECRET) }, hs256(SECRET))],
  ])('refuse alg "none" with %s', async (_signature, token) => {
    expect(parsedJws(token())).toBeUndefined();
    expect(await outcome(token())).toBe("refused");
  });
});

describe.each(PAIRS.map((pair) => [pair.alg, pair] as const))("%s signatures", (_alg, pair) => {
  beforeEach(() => useKeyPair(pair));

  /** Refused by the primitive with the pair's public key, and by the whole check. */
  async function expectRefused(token: string): Promise<void> {
    expect(payloadWith(token, pair.verification)).toBeUndefined();
    expect(await outcome(token)).toBe("refused");
  }

  it("are accepted in the form our signer writes, the form every case below changes", async () => {
    expect(payloadWith(wellFormed(pair), pair.verification)).toEqual(CLAIMS);
    expect(await outcome(wellFormed(pair))).toEqual(MONA);
  });

  it("are refused spelt with other trailing bits, though each spelling decodes to the same bytes", async () => {
    // Prepare: 256 bytes (RSA-2048) or 64 bytes (P-256) leave 4 bits of the last base64url
    // character unused, so 15 other characters give the same bytes.
    const token = wellFormed(pair);
    const respelt = [...BASE64URL]
      .map((char) => token.slice(0, -1) + char)
      .filter((candidate) => candidate !== token && signatureBytes(candidate).equals(signatureBytes(token)));
    expect(respelt).toHaveLength(15);
    // Act and assess
    for (const candidate of respelt) await expectRefused(candidate);
  });

  it.each([
    // For RSA, the same number: only the length is wrong.
    ["a zero byte put in front", (bytes: Buffer) => Buffer.concat([Buffer.alloc(1), bytes])],
    ["a zero byte put at the end", (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc(1)])],
    ["their first byte dropped", (bytes: Buffer) => bytes.subarray(1)],
    ["their last 3 bytes dropped", (bytes: Buffer) => bytes.subarray(0, -3)],
    ["only their first half", (bytes: Buffer) => bytes.subarray(0, bytes.length / 2)],
    ["themselves twice over", (bytes: Buffer) => Buffer.concat([bytes, bytes])],
    ["as many zero bytes in their place", (bytes: Buffer) => Buffer.alloc(bytes.length)],
  ])("are refused with %s", async (_change, edit) => {
    const token = wellFormed(pair);
    await expectRefused(withSignature(token, edit(signatureBytes(token)).toString("base64url")));
  });

  it.each(otherWaysOf(pair))("are refused when our key pair made them %s", async (_way, signer) => {
    await expectRefused(forge({ alg: pair.alg, typ: "JWT", kid: pair.kid }, signer));
  });

  it("are refused with their text's last character cut off", async () => {
    await expectRefused(wellFormed(pair).slice(0, -1));
  });

  it.each([
    ["our key pair's kid", () => pair.kid],
    ["its own kid", () => OTHER[pair.alg].kid],
  ])("are refused when made by another key pair of the same kind, under %s", async (_kid, kidOf) => {
    await expectRefused(forge({ alg: pair.alg, typ: "JWT", kid: kidOf() }, OTHER[pair.alg].sign));
  });
});

describe("ES256 signatures in DER", () => {
  beforeEach(() => useKeyPair(EC));

  it("are refused, though node:crypto's default encoding checks them as our EC key's", async () => {
    // Prepare
    const token = forge({ alg: "ES256", typ: "JWT", kid: EC.kid }, es256Der(EC.privateKey));
    const signingInput = token.slice(0, token.lastIndexOf("."));
    expect(verify("sha256", Buffer.from(signingInput), EC.publicKey, signatureBytes(token))).toBe(true);
    // Act and assess: JWS wants r||s (RFC 7518 §3.4); jose refuses DER too.
    expect(payloadWith(token, EC.verification)).toBeUndefined();
    expect(await outcome(token)).toBe("refused");
    await expect(jwtVerify(token, EC.publicKey)).rejects.toThrow();
  });
});
