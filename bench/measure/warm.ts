import { createHmac, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import bcrypt from "bcryptjs";
import type { JwsAlgorithm } from "../../lib/auth/jws.ts";
import { newAccount, newAccountFields, type Account } from "./accounts.ts";
import type { WarmFunctions } from "./routes.ts";
import { interleaved, spreadOf, type Spread } from "./stats.ts";

// Warm latency: calls of the packaged handlers in a warm container, against the real database,
// interleaved with the physical references they are read against (one signature check of the
// same token with a cached key; one bcrypt compare and one hash at the configured cost).
// Microsecond work (the authorizer, the boards) and millisecond work (bcrypt, the database) are
// measured in separate interleavings, each against its own references.

/** A key as node:crypto holds it once read: an HMAC secret, or a public key. */
export interface VerificationKey {
  alg: JwsAlgorithm;
  key: KeyObject;
}

/**
 * One raw signature check of the token with a key already read: the floor under any JWT
 * verification of the same token, with no parsing of its header or claims.
 */
export function rawVerify(token: string, { alg, key }: VerificationKey): boolean {
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
      // JWS's r‖s, not node:crypto's default DER (RFC 7518 §3.4).
      return verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature);
  }
}

export interface WarmOptions {
  /** Rounds of the microsecond tasks and of the millisecond tasks. */
  fastRounds: number;
  slowRounds: number;
  /** The key that checks the tokens signin signs. */
  verificationKey: VerificationKey;
  bcryptCost: number;
}

const WARM_UP_CALLS = 3;

async function warmedUp(tasks: Record<string, () => unknown>): Promise<void> {
  for (let call = 0; call < WARM_UP_CALLS; call++) for (const task of Object.values(tasks)) await task();
}

function spreads(times: Record<string, number[]>): Record<string, Spread> {
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, spreadOf(values)]));
}

/** Each task's spread in milliseconds. */
export async function warmLatencies(functions: WarmFunctions, options: WarmOptions): Promise<Record<string, Spread>> {
  const member: Account = await newAccount(functions);
  if (!rawVerify(member.accessToken, options.verificationKey)) throw new Error("the bench's JWT key did not sign the token");
  const boardCall = { authorizer: member.authorizer, headers: { Origin: "https://app.example.com" } };

  const fast = {
    [`raw ${options.verificationKey.alg} verify`]: () => rawVerify(member.accessToken, options.verificationKey),
    authorizer: () => functions.authorize(member.accessToken),
    userBoard: () => functions.http("userBoard", boardCall, 200),
    publicBoard: () => functions.http("publicBoard", { headers: boardCall.headers }, 200),
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
