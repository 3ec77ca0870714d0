import { createPublicKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { query } from "../support/db-query.ts";
import { call, newAccount, signIn, signUp } from "../support/http.ts";

const account = newAccount("signin");

describe("signin", () => {
  beforeAll(async () => {
    expect((await signUp(account)).status).toBe(201);
  });

  it("answers the tutorial's session shape with a Bearer token that is never cached", async () => {
    const response = await call("/api/auth/signin", { body: { username: account.username, password: account.password } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const session = response.json();
    expect(session).toEqual({
      id: expect.any(Number),
      username: account.username,
      email: account.email,
      emailVerified: false,
      roles: ["ROLE_USER"],
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/),
      tokenType: "Bearer",
      expiresIn: 900,
      refreshExpiresIn: 30 * 24 * 60 * 60,
    });
    expect(response.text).not.toContain(account.password);
    expect(response.text).not.toContain("$2");
  });

  it("signs an RS256 token with sub, username, plain role names, the stage as iss, aud and a 15-minute life", async () => {
    const session = await signIn(account);
    const { header, payload } = jwt.decode(session.accessToken, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(header.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: String(session.id),
      username: account.username,
      roles: ["user"],
      iss: inject("baseUrl"),
      aud: "serverless-auth-api",
    });
    expect(payload.exp! - payload.iat!).toBe(900);
    const publicKey = createPublicKey(inject("jwtPrivateKey"));
    expect(() => jwt.verify(session.accessToken, publicKey, { algorithms: ["RS256"] })).not.toThrow();
  });

  it("finds the user whatever the case of the username, answering the stored name", async () => {
    const session = await signIn({ username: account.username.toUpperCase(), password: account.password });
    expect(session.username).toBe(account.username);
  });

  it("gives a wrong password and an unknown username the same 401", async () => {
    const wrongPassword = await call("/api/auth/signin", { body: { username: account.username, password: "wrong-password" } });
    const unknownUser = await call("/api/auth/signin", { body: { username: "nobody_here", password: "wrong-password" } });
    for (const response of [wrongPassword, unknownUser]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    }
    expect(wrongPassword.json()).toEqual({ message: "Invalid username or password" });
    expect(unknownUser.text).toBe(wrongPassword.text);
  });

  it("answers a locked username with one JSON 429, whether the account exists and the password is right or not", async () => {
    // Prepare: both names locked for 10 minutes, as 9 failures in a row would leave them.
    const locked = newAccount("locked");
    expect((await signUp(locked)).status).toBe(201);
    const unknown = newAccount("ghost").username;
    await query(
      "INSERT INTO password_lockouts (username, failures, locked_until) VALUES (?, 9, UTC_TIMESTAMP(3) + INTERVAL 10 MINUTE), (?, 9, UTC_TIMESTAMP(3) + INTERVAL 10 MINUTE)",
      [locked.username, unknown],
    );

    const rightPassword = await call("/api/auth/signin", { body: { username: locked.username, password: locked.password } });
    const unknownUser = await call("/api/auth/signin", { body: { username: unknown, password: "wrong-password" } });

    for (const response of [rightPassword, unknownUser]) {
      expect(response.status).toBe(429);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    }
    expect(rightPassword.json()).toEqual({ message: "Too many failed attempts. Try again in 10 minutes." });
    expect(Number(rightPassword.headers.get("retry-after"))).toBeGreaterThan(590);
    expect(Number(rightPassword.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    expect(unknownUser.text).toBe(rightPassword.text);
  });

  it("refuses a password whose first 72 bytes are right (bcrypt would ignore the rest)", async () => {
    const full = { ...newAccount("prefix"), password: "p".repeat(72) };
    expect((await signUp(full)).status).toBe(201);
    const padded = await call("/api/auth/signin", { body: { username: full.username, password: `${full.password}extra` } });
    expect(padded.status).toBe(401);
  });

  it("does not let an accented look-alike of a username sign in as that user", async () => {
    const lookAlike = account.username.replace(/^s/, "ś");
    const response = await call("/api/auth/signin", { body: { username: lookAlike, password: account.password } });
    expect(response.status).toBe(400);
    expect(response.json<{ errors: { field: string }[] }>().errors.map(({ field }) => field)).toEqual(["username"]);
  });

  it.each([
    ["no body", 415, undefined],
    ["an empty object", 400, {}],
    ["a missing password", 400, { username: "someone" }],
    ["a number for a username", 400, { username: 42, password: "whatever1" }],
  ])("answers %s with a JSON %i", async (_case, status, body) => {
    const response = await call("/api/auth/signin", { method: "POST", body });
    expect(response.status).toBe(status);
    expect(response.json()).toHaveProperty("message");
  });

  it("answers malformed JSON with 400 and a JSON message", async () => {
    const response = await call("/api/auth/signin", { rawBody: '{"username":', headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: "Request body is not valid JSON" });
  });
});
