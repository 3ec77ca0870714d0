import { createHash, randomBytes } from "node:crypto";

// The tokens mailed for a password reset, a verification and an email change: 256 random bits,
// base64url (43 characters), of which only the SHA-256 is stored (lib/accounts/tokens.ts). A plain
// hash suffices: the token is random, so there is no dictionary to try, unlike a password.

export const ACCOUNT_TOKEN_PURPOSES = ["reset", "verify", "change"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

const TOKEN_BYTES = 32;
const TOKEN_FORM = /^[A-Za-z0-9_-]{43}$/;

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newAccountToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  return { token, hash: hashOf(token) };
}

/** The stored form of a presented token; undefined when it cannot be one this API made. */
export function accountTokenHash(presented: string): string | undefined {
  return TOKEN_FORM.test(presented) ? hashOf(presented) : undefined;
}
