import { createHash, createHmac, randomBytes } from "node:crypto";

// Opaque refresh tokens of the form `<session id>.<secret>`: the session id (128 random bits, hex)
// finds the session's row, the secret (256 random bits, base64url) proves the holder has the
// session's current token. Only the SHA-256 of the whole token is stored. The id is random, not a
// row number, so no one can name (and end) a session they never held a token of.

const SESSION_ID_BYTES = 16;
const SECRET_BYTES = 32;
const FORMAT = /^([0-9a-f]{32})\.[A-Za-z0-9_-]{43}$/;

export interface IssuedRefreshToken {
  token: string;
  hash: string;
}

export interface PresentedRefreshToken {
  sessionId: string;
  hash: string;
}

export function newSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString("hex");
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A fresh token for the session `sessionId`, and the hash to store for it. */
export function issueRefreshToken(sessionId: string): IssuedRefreshToken {
  const token = `${sessionId}.${randomBytes(SECRET_BYTES).toString("base64url")}`;
  return { token, hash: hashRefreshToken(token) };
}

/** The session a presented token names and its hash, or undefined when it is not of our form. */
export function parseRefreshToken(token: string): PresentedRefreshToken | undefined {
  const sessionId = FORMAT.exec(token)?.[1];
  return sessionId === undefined ? undefined : { sessionId, hash: hashRefreshToken(token) };
}

/** A random salt for one rotation: the key successorRefreshToken derives the successor with. */
export function newRotationSalt(): string {
  return randomBytes(SECRET_BYTES).toString("hex");
}

/**
 * The token that succeeds `presented` in a rotation salted with `salt`: its secret is
 * HMAC-SHA256(salt, presented token). Computing it again takes the presented token itself, which
 * is never stored (only its hash), so a retry with the just-spent token can be answered the same
 * successor, and neither a database reader nor the holder of an older token can compute it.
 */
export function successorRefreshToken(sessionId: string, salt: string, presented: string): IssuedRefreshToken {
  const secret = createHmac("sha256", salt).update(presented, "utf8").digest("base64url");
  const token = `${sessionId}.${secret}`;
  return { token, hash: hashRefreshToken(token) };
}
