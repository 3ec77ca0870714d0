import { generateKeyPairSync } from "node:crypto";
import type { KeyPairAlgorithm } from "../config/jwt-private-keys.ts";

// A new private key for JWT_PRIVATE_KEY, as PKCS#8 PEM: what `npm start` writes into .env and
// what the rotation function (functions/ops/rotate-signing-key.ts) puts into Secrets Manager.

/** RSA-2048: RS256's minimum (RFC 7518 §3.3), and the cheapest to verify. */
const RSA_BITS = 2048;

export function newSigningKeyPem(alg: KeyPairAlgorithm): string {
  const { privateKey } =
    alg === "RS256" ? generateKeyPairSync("rsa", { modulusLength: RSA_BITS }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
  return privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}
