import { createHmac } from "node:crypto";
import jwt from "jsonwebtoken";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { call, newAccount, signIn, signUp, type Session } from "../support/http.ts";

// What the JWT authorizer lets through, seen over HTTP on a protected board.

const ISSUER = "serverless-auth-api";
let session: Session;

function token(claims: object, options: jwt.SignOptions = {}, secret = inject("jwtSecret")): string {
  return jwt.sign({ username: session.username, roles: ["user"], ...claims }, secret, {
    subject: String(session.id),
    issuer: ISSUER,
    audience: ISSUER,
    expiresIn: 60,
    ...options,
  });
}

/** A token signed with the stage's key whose payload is exactly these bytes, as JSON never writes them. */
function tokenWithPayload(payload: Buffer, header: object = { alg: "HS256", typ: "JWT" }): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${payload.toString("base64url")}`;
  return `${signingInput}.${createHmac("sha256", inject("jwtSecret")).update(signingInput).digest("base64url")}`;
}

/** Valid claims for the session's user, as JSON text in which `@@` stands where the test puts its bytes. */
function claimsText(changes: object): string {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({ username: session.username, roles: ["user"], sub: String(session.id), iss: ISSUER, aud: ISSUER, iat: now, exp: now + 60, ...changes });
}

/** Authorization headers that must not get through, built once a session exists. */
const authorizationFor: Record<string, () => string> = {
  TOKEN: () => session.accessToken,
  TRUNCATED: () => `Bearer ${session.accessToken.slice(0, -5)}`,
  EXPIRED: () => `Bearer ${token({}, { expiresIn: -10 })}`,
  OTHER_KEY: () => `Bearer ${token({}, {}, "some-other-key-some-other-key-1234567890")}`,
  ALG_NONE: () =>
    `Bearer ${jwt.sign({ username: "x", roles: ["admin"], sub: "1", iss: ISSUER, aud: ISSUER }, "", { algorithm: "none" })}`,
  OTHER_ISSUER: () => `Bearer ${token({}, { issuer: "someone-else" })}`,
  OTHER_AUDIENCE: () => `Bearer ${token({}, { audience: "another-api" })}`,
  BAD_ROLES: () => `Bearer ${token({ roles: "admin" })}`,
  NO_SUBJECT: () =>
    `Bearer ${jwt.sign({ username: "x", roles: ["admin"] }, inject("jwtSecret"), { issuer: ISSUER, audience: ISSUER })}`,
  CRIT: () => `Bearer ${token({}, { header: { alg: "HS256", crit: ["exp"] } })}`,
  OTHER_TYPE: () => `Bearer ${token({}, { header: { alg: "HS256", typ: "at+jwt" } })}`,
  NEVER_EXPIRES: () => `Bearer ${tokenWithPayload(Buffer.from(claimsText({ exp: "@@" }).replace('"@@"', "1e999")))}`,
  NOT_UTF8: () => {
    const [before = "", after = ""] = claimsText({ username: "@@" }).split("@@");
    return `Bearer ${tokenWithPayload(Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]))}`;
  },
};

async function userBoard(authorization?: string) {
  return call("/api/test/user", { headers: authorization ? { Authorization: authorization } : {} });
}

describe("JWT authorizer", () => {
  beforeAll(async () => {
    const account = newAccount("authz");
    expect((await signUp(account)).status).toBe(201);
    session = await signIn(account);
  });

  it("lets a fresh token through, with or without the Bearer scheme's usual case", async () => {
    expect((await userBoard(`Bearer ${session.accessToken}`)).text).toBe("User Content.");
    expect((await userBoard(`bearer ${session.accessToken}`)).status).toBe(200);
  });

  it("accepts a token it did not issue itself but signed with the stage's key and claims", async () => {
    expect((await userBoard(`Bearer ${token({})}`)).status).toBe(200);
  });

  it.each([
    ["no Authorization header", undefined],
    ["an empty header", ""],
    ["a token without the Bearer scheme", "TOKEN"],
    ["a Basic credential", "Basic dXNlcjpwYXNz"],
    ["garbage", "Bearer garbage"],
    ["a truncated token", "TRUNCATED"],
    ["an expired token", "EXPIRED"],
    ["a token signed with another key", "OTHER_KEY"],
    ["an unsigned token (alg none)", "ALG_NONE"],
    ["a token from another issuer", "OTHER_ISSUER"],
    ["a token for another audience", "OTHER_AUDIENCE"],
    ["a token whose roles are not a list", "BAD_ROLES"],
    ["a token without a subject", "NO_SUBJECT"],
    ["a correctly signed token whose header has crit", "CRIT"],
    ["a correctly signed token of another typ", "OTHER_TYPE"],
    ["a correctly signed token whose exp is 1e999 (Infinity)", "NEVER_EXPIRES"],
    ["a correctly signed token whose payload is not UTF-8", "NOT_UTF8"],
  ])("answers %s with a JSON 401", async (_case, kind) => {
    const response = await userBoard(kind === undefined ? undefined : (authorizationFor[kind]?.() ?? kind));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.json()).toHaveProperty("message");
  });

  it("trusts the roles in the token, not a role the token does not carry", async () => {
    const forgedAdmin = token({ roles: ["user"] });
    const response = await call("/api/test/admin", { token: forgedAdmin });
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ message: "Require Admin Role!" });
  });
});
