import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  hashRefreshToken,
  issueRefreshToken,
  newRotationSalt,
  newSessionId,
  parseRefreshToken,
  successorRefreshToken,
} from "../../lib/auth/refresh-tokens.ts";

// The opaque refresh token's form: `<session id>.<secret>`, stored only as its SHA-256.

describe("refresh tokens", () => {
  it("carry a 128-bit session id and a 256-bit secret, and are stored as their SHA-256", () => {
    const sessionId = newSessionId();
    const { token, hash } = issueRefreshToken(sessionId);
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    const [id, secret] = token.split(".");
    expect(id).toBe(sessionId);
    expect(Buffer.from(secret!, "base64url")).toHaveLength(32);
    expect(hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(parseRefreshToken(token)).toEqual({ sessionId, hash });
  });

  it("succeed a spent token with one only the spent token and the rotation's salt give, of the same form", () => {
    const sessionId = newSessionId();
    const spent = issueRefreshToken(sessionId);
    const salt = newRotationSalt();
    const successor = successorRefreshToken(sessionId, salt, spent.token);
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(parseRefreshToken(successor.token)).toEqual({ sessionId, hash: successor.hash });
    expect(successorRefreshToken(sessionId, salt, spent.token)).toEqual(successor);
    // What a database reader holds (the hash) or another salt gives another token.
    expect(successorRefreshToken(sessionId, salt, spent.hash).token).not.toBe(successor.token);
    expect(successorRefreshToken(sessionId, newRotationSalt(), spent.token).token).not.toBe(successor.token);
  });

  it("are never issued twice", () => {
    const sessionId = newSessionId();
    const tokens = new Set(Array.from({ length: 100 }, () => issueRefreshToken(sessionId).token));
    expect(tokens.size).toBe(100);
    expect(new Set(Array.from({ length: 100 }, newSessionId)).size).toBe(100);
  });

  it.each([
    ["an empty string", ""],
    ["no dot", "a".repeat(76)],
    ["an upper-case session id", `${"A".repeat(32)}.${"b".repeat(43)}`],
    ["a short secret", `${"a".repeat(32)}.${"b".repeat(42)}`],
    ["a long secret", `${"a".repeat(32)}.${"b".repeat(44)}`],
    ["padding", `${"a".repeat(32)}.${"b".repeat(42)}=`],
    ["a trailing newline", `${"a".repeat(32)}.${"b".repeat(43)}\n`],
    ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"],
  ])("refuse %s as not of their form", (_case, token) => {
    expect(parseRefreshToken(token)).toBeUndefined();
  });

  it("hash the whole token, so a changed secret is another hash", () => {
    const { token } = issueRefreshToken(newSessionId());
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(hashRefreshToken(tampered)).not.toBe(hashRefreshToken(token));
  });
});
