// The local stage's key pair: JWT_PRIVATE_KEY in .env, made by `npm start` when .env has none,
// or none of the kind ACCESS_TOKEN_ALG asks for, as JWT_SECRET is. The PEM is kept on one line
// with its line breaks written `\n`, which lib/config/jwt-private-keys.ts reads back.
import { readFileSync } from "node:fs";
import { newSigningKeyPem } from "../lib/auth/new-signing-key.ts";
import { privateKeyIn, type KeyPairAlgorithm } from "../lib/config/jwt-private-keys.ts";
import { DOT_ENV_FILE, dotEnvValueOf, setDotEnvValue } from "./dot-env-file.ts";

/** The algorithm of the key in `value`, or undefined when it is none this API signs with. */
function algorithmOfKey(value: string | undefined): KeyPairAlgorithm | undefined {
  if (!value) return undefined;
  try {
    // The API's own reading of the value, so that .env keeps exactly the keys it can sign with.
    return privateKeyIn(value, "JWT_PRIVATE_KEY in .env").alg;
  } catch {
    return undefined;
  }
}

/**
 * Writes a new JWT_PRIVATE_KEY into the .env at `path` when it holds none this API can sign with
 * as `wanted` (HS256 wants none: a key there is kept, and one is made for RS256 when missing, so
 * that switching later needs no step). Returns what it did, for `npm start` to say.
 */
export function ensureSigningKey(wanted: string, path = DOT_ENV_FILE): "kept" | "created" | "replaced" {
  const kind: KeyPairAlgorithm = wanted === "ES256" ? "ES256" : "RS256";
  const present = algorithmOfKey(dotEnvValueOf(readFileSync(path, "utf8"), "JWT_PRIVATE_KEY"));
  if (present === kind || (present !== undefined && wanted === "HS256")) return "kept";
  setDotEnvValue("JWT_PRIVATE_KEY", newSigningKeyPem(kind).trimEnd().replaceAll("\n", "\\n"), path);
  return present === undefined ? "created" : "replaced";
}
