import { execFileSync } from "node:child_process";
import { createHmac, sign, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { resolve } from "node:path";
import bcrypt from "bcryptjs";
import type { JwsAlgorithm } from "../../lib/auth/jws.ts";
import { newAccount, newAccountFields, type Account } from "./accounts.ts";
import type { WarmFunctions } from "./routes.ts";
import { interleaved, spreadOf, type Spread } from "./stats.ts";

// Warm latency: calls of the packaged handlers in a warm container, against the real database,
// interleaved with the physical references they are read against (one signature check of the
// same token with a cached key; one bcrypt compare and one hash at the configured cost).
// Microsecond work (the authorizer, the boards) and millisecond work (bcrypt, the database) are
// measured in separate interleavings, each against its own references. The authorizer is
// measured once per algorithm, each in a process of its own (authorizerByAlgorithm).

/** A key as node:crypto holds it once read: an HMAC secret, a private key or a public key. */
export interface CachedKey {
  alg: JwsAlgorithm;
  key: KeyObject;
}

/** JWS's ES256 signature is r‖s, not node:crypto's default DER (RFC 7518 §3.4). */
const ECDSA_JOSE = { dsaEncoding: "ieee-p1363" } as const;

/**
 * One raw signature check of the token with a key already read: the floor under any JWT
 * verification of the same token, with no parsing of its header or claims.
 */
export function rawVerify(token: string, { alg, key }: CachedKey): boolean {
  const dot = token.lastIndexOf(".");
  const data = Buffer.from(token.slice(0, dot));
  const signature = Buffer.from(token.slice(dot + 1), "base64url");
  switch (alg) {
    case "HS256": {
      const expected = createHmac("sha256", key).update(data).digest();
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    }
    case "RS256":
      return verify("sha256", data, key, signature);
    case "ES256":
      return verify("sha256", data, { key, ...ECDSA_JOSE }, signature);
  }
}

/** One raw signature of `data` with a key already read: the floor under signing a token. */
export function rawSign(data: Buffer, { alg, key }: CachedKey): Buffer {
  switch (alg) {
    case "HS256":
      return createHmac("sha256", key).update(data).digest();
    case "RS256":
      return sign("sha256", data, key);
    case "ES256":
      return sign("sha256", data, { key, ...ECDSA_JOSE });
  }
}

export interface WarmOptions {
  /** Rounds of the microsecond tasks and of the millisecond tasks. */
  fastRounds: number;
  slowRounds: number;
  bcryptCost: number;
}

const WARM_UP_CALLS = 3;

export async function warmedUp(tasks: Record<string, () => unknown>): Promise<void> {
  for (let call = 0; call < WARM_UP_CALLS; call++) for (const task of Object.values(tasks)) await task();
}

export function spreads(times: Record<string, number[]>): Record<string, Spread> {
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, spreadOf(values)]));
}

/** Each task's spread in milliseconds. */
export async function warmLatencies(functions: WarmFunctions, options: WarmOptions): Promise<Record<string, Spread>> {
  const member: Account = await newAccount(functions);
  const boardCall = { authorizer: member.authorizer, headers: { Origin: "https://app.example.com" } };

  const fast = {
    userBoard: () => functions.http("userBoard", boardCall, 200),
    publicBoard: () => functions.http("publicBoard", { headers: boardCall.headers }, 200),
    // What a remote verifier fetches: the public keys, and the metadata that names them.
    jwks: () => functions.http("jwks", {}, 200),
    openidConfiguration: () => functions.http("openidConfiguration", {}, 200),
  };

  let refreshToken = member.refreshToken;
  const hash = await bcrypt.hash(member.password, options.bcryptCost);
  const slow = {
    "bcrypt compare": () => bcrypt.compare(member.password, hash),
    "bcrypt hash": () => bcrypt.hash(member.password, options.bcryptCost),
    signin: () => functions.http("signin", { body: { username: member.username, password: member.password } }, 200),
    signup: () => functions.http("signup", { body: newAccountFields(member.password) }, 201),
    refresh: async () => {
      const answer = await functions.http("refresh", { body: { refreshToken } }, 200);
      refreshToken = (JSON.parse(answer.body) as { refreshToken: string }).refreshToken;
    },
  };

  await warmedUp(fast);
  await warmedUp(slow);
  return { ...spreads(await interleaved(options.fastRounds, fast)), ...spreads(await interleaved(options.slowRounds, slow)) };
}

/** One algorithm's authorizer and signing, each beside the raw operation of the same key. */
export interface AlgorithmFigures {
  /** The packaged authorizer's call, and one raw verify of the same token, in the same rounds. */
  authorizerMs: Spread;
  rawVerifyMs: Spread;
  /** signAccessToken (lib/auth/tokens.ts, what signin and refresh call), and one raw sign, in the same rounds. */
  signAccessTokenMs: Spread;
  rawSignMs: Spread;
}

/** What authorizer-process.ts prints: its figures, and a token it signed, valid for its environment. */
export interface AlgorithmRun {
  figures: AlgorithmFigures;
  accessToken: string;
}

const AUTHORIZER_PROCESS = resolve(import.meta.dirname, "authorizer-process.ts");

/**
 * The packaged authorizer, warm, for each algorithm: each in a node process of its own started
 * with that algorithm's environment (`environments`, added to this process's), since a container
 * has one ACCESS_TOKEN_ALG and the bundle reads its configuration once. Algorithm after
 * algorithm, never at once: the comparison that counts is within each process.
 */
export function authorizerByAlgorithm(
  authorizer: { file: string; exportName: string },
  environments: Record<JwsAlgorithm, Record<string, string>>,
  rounds: number,
): Record<JwsAlgorithm, AlgorithmRun> {
  const runs = Object.entries(environments).map(([alg, environment]) => {
    const printed = execFileSync(process.execPath, ["--import", "tsx", AUTHORIZER_PROCESS, authorizer.file, authorizer.exportName, String(rounds)], {
      env: { ...process.env, ...environment },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    return [alg, JSON.parse(printed.trim().split("\n").pop()!) as AlgorithmRun];
  });
  return Object.fromEntries(runs) as Record<JwsAlgorithm, AlgorithmRun>;
}
