import jwt from "jsonwebtoken";
import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";
import { describe, expect, inject, it } from "vitest";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { countUsersLike, query } from "../support/db-query.ts";
import { call, newAccount, signIn, signUp, signedUp, type ApiResponse } from "../support/http.ts";
import { waitForLockWaits } from "../support/lock-waits.ts";
import { leakedSecretKinds } from "../support/log-leaks.ts";

// The API tried as an attacker would, over HTTP through serverless-offline: every input gets a
// short JSON 4xx in bounded time and changes nothing; no answer and no log line holds a secret.

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) params.append(name, item);
  return params.toString();
}

describe("bodies built to amplify the answer", () => {
  // Before the 16 KB limit, the first answered 12.9 MB of errors and the last ran the server out of memory.
  it.each([
    ["signup, roles of 250 000 bad items (500 KB)", "/api/auth/signup", `{"username":"amp1","email":"a@example.com","password":"long enough","roles":[${"0,".repeat(249_999)}0]}`],
    ["signup, roles of 1 000 000 bad items (2 MB)", "/api/auth/signup", `{"roles":[${"0,".repeat(999_999)}0]}`],
    ["signup, a 9.8 MB string", "/api/auth/signup", `{"username":"${"a".repeat(9_800_000)}"}`],
    ["signin, 120 000 unknown keys", "/api/auth/signin", `{${Array.from({ length: 120_000 }, (_, i) => `"k${i}":0`).join(",")}}`],
  ])("%s: a short 413", async (_case, path, rawBody) => {
    // No clock here: a bound tight enough to catch the old 6 s failed on a loaded machine, and the
    // body is refused on its length before any parsing (test/unit/request-body.test.ts).
    const response = await call(path, { rawBody, headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ message: "Request body must be at most 16 KB" });
    expect(response.text.length).toBeLessThan(100);
  });

  it("takes 16 KB and refuses one byte more", async () => {
    const account = newAccount("sixteen");
    const padding = (size: number) => JSON.stringify({ ...account, pad: "" }).replace('"pad":""', `"pad":"${"p".repeat(size)}"`);
    const base = padding(0).length;
    const atLimit = await call("/api/auth/signup", { rawBody: padding(16 * 1024 - base), headers: { "Content-Type": "application/json" } });
    expect(atLimit.json()).toMatchObject({ message: "Pad is not a known field" });
    const over = await call("/api/auth/signup", { rawBody: padding(16 * 1024 - base + 1), headers: { "Content-Type": "application/json" } });
    expect(over.status).toBe(413);
    expect(await countUsersLike(account)).toBe(0);
  });

  it("keeps the error list of a body under the limit to a few lines", async () => {
    const keys = Array.from({ length: 1_500 }, (_, i) => `"k${i}":0`).join(",");
    const response = await call("/api/auth/signin", { rawBody: `{${keys}}`, headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.json<{ errors: unknown[] }>().errors).toHaveLength(5);
    expect(response.text.length).toBeLessThan(1_000);
  });
});

describe("form bodies on signup and signin", () => {
  it("sign up and sign in like JSON does", async () => {
    const account = newAccount("form");
    const signup = await call("/api/auth/signup", { rawBody: form({ ...account }), headers: FORM });
    expect(signup.status).toBe(201);
    const signin = await call("/api/auth/signin", { rawBody: form({ username: account.username, password: account.password }), headers: FORM });
    expect(signin.status).toBe(200);
    expect(signin.json()).toMatchObject({ username: account.username, roles: ["ROLE_USER"], tokenType: "Bearer" });
  });

  it("get the same refusals as JSON", async () => {
    const account = { ...newAccount("form_bad"), password: "short" };
    const asForm = await call("/api/auth/signup", { rawBody: form({ ...account }), headers: FORM });
    const asJson = await signUp(account);
    expect([asForm.status, asForm.json()]).toEqual([asJson.status, asJson.json()]);
    expect(asForm.json()).toMatchObject({ message: "Password must be at least 8 characters" });
  });

  it("cannot grant roles without an admin's token", async () => {
    const account = newAccount("form_roles");
    const response = await call("/api/auth/signup", { rawBody: form({ ...account, roles: ["user", "admin"] }), headers: FORM });
    expect(response.status).toBe(403);
    expect(await countUsersLike(account)).toBe(0);
  });

  it("are refused where forms are not taken", async () => {
    const response = await call("/api/auth/refresh", { rawBody: "refreshToken=x", headers: FORM });
    expect(response.status).toBe(415);
    expect(response.json()).toEqual({ message: "Content-Type must be application/json" });
  });
});

describe("content types", () => {
  it("accept JSON with odd spacing around the charset", async () => {
    const { account } = await signedUp("spacing");
    const response = await call("/api/auth/signin", {
      rawBody: JSON.stringify({ username: account.username, password: account.password }),
      headers: { "Content-Type": "application/json ; charset=utf-8" },
    });
    expect(response.status).toBe(200);
  });

  it("refuse JSON in another charset with 415", async () => {
    const account = newAccount("latin1");
    const response = await call("/api/auth/signup", { rawBody: JSON.stringify(account), headers: { "Content-Type": "application/json; charset=iso-8859-1" } });
    expect(response.status).toBe(415);
    expect(await countUsersLike(account)).toBe(0);
  });

  it.each([
    ["malformed JSON", '{"username":', "Request body is not valid JSON"],
    ["a JSON array", "[]", "Request body must be a JSON object"],
    ["__proto__", '{"__proto__":{"roles":["admin"]},"username":"x"}', 'Request body must not use the key "__proto__"'],
    ["absurd nesting", `{"roles":${"[".repeat(3_000)}${"]".repeat(3_000)}}`, "Request body must not nest more than 8 levels deep"],
  ])("answer %s with 400", async (_case, rawBody, message) => {
    const response = await call("/api/auth/signup", { rawBody, headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message });
  });
});

describe("input that looks like SQL or query operators is only data", () => {
  it.each([
    ["a quote in the username", { username: "admin' OR '1'='1", password: "whatever-pw" }, "Username may contain only letters, digits, _ . -"],
    ["a comment in the username", { username: "admin--", password: "whatever-pw" }, "Username must start and end with a letter or digit"],
    ["an operator object for the username", { username: { $ne: null }, password: "whatever-pw" }, "Username must be a string"],
    ["an operator object for the password", { username: "admin", password: { $gt: "" } }, "Password must be a string"],
  ])("signup refuses %s", async (_case, fields, message) => {
    const response = await call("/api/auth/signup", { body: { email: "sql@example.com", ...fields } });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ message });
  });

  it("signin takes an operator object for the password as a 400, a SQL-looking password as a wrong one", async () => {
    const { account } = await signedUp("sql_target");
    expect((await call("/api/auth/signin", { body: { username: account.username, password: { $ne: null } } })).status).toBe(400);
    const sqlPassword = await call("/api/auth/signin", { body: { username: account.username, password: "' OR '1'='1' -- " } });
    expect(sqlPassword.json()).toEqual({ message: "Invalid username or password" });
    expect((await signIn(account)).username).toBe(account.username);
  });

  it("stores a SQL-looking email nowhere", async () => {
    const account = { ...newAccount("sql_email"), email: "x@example.com'; DROP TABLE users; --" };
    expect((await signUp(account)).status).toBe(400);
    const [users] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM users");
    expect(Number(users?.n)).toBeGreaterThan(0);
  });
});

describe("passwords at the edges", () => {
  it("refuses NUL and other control characters, which bcrypt would cut at", async () => {
    for (const password of ["pw\u0000anything", "tab\tinside-pw", "del\u007Finside-pw", "c1\u0085inside-pw"]) {
      const account = { ...newAccount("ctrl"), password };
      const response = await signUp(account);
      expect(response.json()).toMatchObject({ message: "Password must not contain control characters" });
      expect(await countUsersLike(account)).toBe(0);
    }
  });

  it("takes 72 bytes of multibyte characters and refuses 75", async () => {
    const account = { ...newAccount("euro72"), password: "€".repeat(24) };
    expect((await signUp(account)).status).toBe(201);
    expect((await signIn(account)).username).toBe(account.username);
    const wrongLast = await call("/api/auth/signin", { body: { username: account.username, password: `${"€".repeat(23)}$` } });
    expect(wrongLast.status).toBe(401);
    const tooLong = { ...newAccount("euro75"), password: "€".repeat(25) };
    expect((await signUp(tooLong)).status).toBe(400);
    expect(await countUsersLike(tooLong)).toBe(0);
  });
});

describe("forged and odd access tokens get the authorizer's 401", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { username: "mallory", roles: ["user", "moderator", "admin"], iss: "serverless-auth-api", aud: "serverless-auth-api" };
  const sign = (payload: object, algorithm: jwt.Algorithm = "HS256", key: string = inject("jwtSecret")) =>
    jwt.sign({ sub: "1", iat: now(), exp: now() + 600, ...claims, ...payload }, key, { algorithm });
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

  it.each([
    ["alg none", () => `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: "1", iat: now(), exp: now() + 600, ...claims })}.`],
    ["HS512 with the right key", () => sign({}, "HS512")],
    ["another key", () => sign({}, "HS256", "another-key-another-key-another-key!")],
    ["no exp", () => jwt.sign({ sub: "1", iat: now(), ...claims }, inject("jwtSecret"))],
    ["iat an hour ahead", () => sign({ iat: now() + 3_600 })],
    ["expired", () => sign({ exp: now() - 1 })],
    ["not yet valid", () => sign({ nbf: now() + 600 })],
    ["a sub of 01", () => sign({ sub: "01" })],
    ["another issuer", () => sign({ iss: "someone-else" })],
    ["a tampered payload", () => sign({}).replace(/\.[^.]+\./, `.${base64url({ sub: "1", iat: now(), exp: now() + 600, ...claims, username: "admin" })}.`)],
  ])("%s", async (_case, token) => {
    const response = await call("/api/test/admin", { token: token() });
    expect(response.status).toBe(401);
  });

  it("takes the same token well formed, so the cases above fail for their one flaw", async () => {
    expect((await call("/api/test/user", { token: sign({}) })).status).toBe(200);
  });
});

describe("passwords are compared in one Unicode form", () => {
  it("signs in a password typed with a ligature or full-width letters as its plain form", async () => {
    const account = { ...newAccount("nfkc"), password: "ﬁxed-Ｐassword" };
    expect((await signUp(account)).status).toBe(201);
    expect((await signIn({ username: account.username, password: "fixed-Password" })).username).toBe(account.username);
  });
});

describe("signin reveals nothing about which accounts exist", () => {
  it("answers an unknown user exactly as a wrong password", async () => {
    const { account } = await signedUp("exists");
    const wrong = await call("/api/auth/signin", { body: { username: account.username, password: "not-the-password" } });
    const unknown = await call("/api/auth/signin", { body: { username: newAccount("ghost").username, password: "not-the-password" } });
    const headerNames = (response: ApiResponse) => [...response.headers.keys()].filter((name) => !["date", "x-amzn-requestid"].includes(name)).sort();
    expect([unknown.status, unknown.text]).toEqual([wrong.status, wrong.text]);
    expect(headerNames(unknown)).toEqual(headerNames(wrong));
  });
});

describe("brute force", () => {
  async function failures(username: string, count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      statuses.push((await call("/api/auth/signin", { body: { username, password: "wrong-password" } })).status);
    }
    return statuses;
  }

  async function lockoutRow(username: string) {
    const [row] = await query<{ failures: number; locked: number }>(
      "SELECT failures, locked_until > UTC_TIMESTAMP(3) AS locked FROM password_lockouts WHERE username = ?",
      [username.toLowerCase()],
    );
    return row ? { failures: Number(row.failures), locked: Boolean(row.locked) } : undefined;
  }

  it("counts failures per username in any case, and a success resets the count", async () => {
    const { account } = await signedUp("Counted");
    expect(await failures(account.username.toUpperCase(), 4)).toEqual([401, 401, 401, 401]);
    expect(await lockoutRow(account.username)).toEqual({ failures: 4, locked: false });
    await signIn(account);
    expect(await lockoutRow(account.username)).toBeUndefined();
  });

  it("locks a known and an unknown username alike after the fifth failure", async () => {
    const { account } = await signedUp("lock_known");
    const unknown = newAccount("lock_ghost").username;
    expect(await failures(account.username, 5)).toEqual(await failures(unknown, 5));
    expect(await lockoutRow(account.username)).toMatchObject({ failures: 5 });
    expect(await lockoutRow(unknown)).toMatchObject({ failures: 5 });
  });

  /**
   * Sends every password at once for `username`; answers each status, "429 waiting" for a 429 with
   * a Retry-After in seconds. A connection of the test's holds the username's lockout row,
   * uncommitted, until every attempt waits to be counted: they are then counted back to back, all
   * within the first lock's 1 s, however slowly serverless-offline started them.
   */
  async function burst(username: string, passwords: string[]): Promise<string[]> {
    const holder = await mysql.createConnection(parseDatabaseUrl(inject("databaseUrl")));
    await holder.beginTransaction();
    await holder.query("INSERT INTO password_lockouts (username, failures, locked_until) VALUES (?, 0, UTC_TIMESTAMP(3))", [username.toLowerCase()]);
    const pending = Promise.all(passwords.map((password) => call("/api/auth/signin", { body: { username, password } })));
    // Or until they are all answered, if none waits (a lockout that counts after bcrypt).
    await Promise.race([waitForLockWaits(holder, passwords.length), pending]);
    await holder.commit();
    await holder.end();
    const responses = await pending;
    return responses.map(({ status, headers }) => (status === 429 && /^[1-9]\d*$/.test(headers.get("retry-after") ?? "") ? "429 waiting" : String(status)));
  }

  it("checks at most 5 of 11 passwords sent at once to a fresh user, the right one among them; the rest are 429s", async () => {
    const { account } = await signedUp("burst_known");
    const answers = await burst(account.username, [...Array<string>(10).fill("wrong-password"), account.password]);
    // Every check (a 401 or the 200) was counted before bcrypt: the 5th count locked for 1 s.
    expect(answers.filter((answer) => answer === "401" || answer === "200"), answers.join()).toHaveLength(5);
    expect(answers.filter((answer) => answer.startsWith("429")), answers.join()).toEqual(Array(6).fill("429 waiting"));
  });

  it("checks at most 5 of 11 wrong passwords sent at once for an unknown username; the rest are 429s", async () => {
    const answers = await burst(newAccount("burst_ghost").username, Array<string>(11).fill("wrong-password"));
    expect(answers.sort()).toEqual([...Array(5).fill("401"), ...Array(6).fill("429 waiting")]);
  });
});

describe("headers", () => {
  const SECURITY_HEADERS = ["strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy"];

  it.each([
    ["a 200 with tokens", () => signedUp("headers").then(({ account }) => call("/api/auth/signin", { body: { username: account.username, password: account.password } }))],
    ["a 400", () => call("/api/auth/signin", { body: {} })],
    ["a 413", () => call("/api/auth/signin", { rawBody: "x".repeat(20_000), headers: { "Content-Type": "application/json" } })],
    ["a 415", () => call("/api/auth/signin", { rawBody: "x", headers: { "Content-Type": "text/plain" } })],
    ["a board", () => call("/api/test/all")],
  ])("%s carries the security headers and Vary: Origin, for any origin", async (_case, request) => {
    const response = await request();
    for (const name of SECURITY_HEADERS) expect(response.headers.get(name), name).toBeTruthy();
    expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("token answers are not stored", async () => {
    const { account } = await signedUp("no_store");
    const signin = await call("/api/auth/signin", { body: { username: account.username, password: account.password } });
    expect(signin.headers.get("cache-control")).toBe("no-store");
    const refresh = await call("/api/auth/refresh", { body: { refreshToken: signin.json<{ refreshToken: string }>().refreshToken } });
    expect(refresh.headers.get("cache-control")).toBe("no-store");
  });
});

describe("what answers carry", () => {
  it("no route but signin and refresh answers a token, and none a hash or a password", async () => {
    const { account, session } = await signedUp("bodies");
    const answers = [
      await signUp(newAccount("bodies_new")),
      await call("/api/auth/me", { token: session.accessToken }),
      await call("/api/auth/signin", { body: { username: account.username, password: "wrong-password" } }),
      await call("/api/auth/signup", { body: { ...account, email: "other@example.com" } }),
      await call("/api/auth/password", { body: { currentPassword: account.password, newPassword: account.password }, token: session.accessToken }),
      await call("/api/test/user", { token: session.accessToken }),
    ];
    for (const answer of answers) {
      expect(leakedSecretKinds(answer.text, { password: account.password, "refresh token": session.refreshToken })).toEqual([]);
    }
  });
});

describe("what the handlers log", () => {
  it("is JSON lines with level, request id, route and cold-start flag, and no credential", async () => {
    // A refresh token used twice makes the refresh handler log a warning.
    const { account, session } = await signedUp("log_probe");
    await call("/api/auth/refresh", { body: { refreshToken: session.refreshToken } });
    await call("/api/auth/refresh", { body: { refreshToken: session.refreshToken } });
    // The log reaches the file through serverless-offline's stdout, which can trail the answer.
    const isWarning = (line: Record<string, unknown>) => line.route === "POST /api/auth/refresh" && line.userId === session.id;
    let log = "";
    let lines: Record<string, unknown>[] = [];
    for (let attempt = 0; attempt < 50 && !lines.some(isWarning); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      log = readFileSync(inject("offlineLog"), "utf8");
      lines = log.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
    }
    const warning = lines.find(isWarning);
    expect(warning).toMatchObject({ level: "WARN", function_request_id: expect.any(String), cold_start: expect.any(Boolean) });
    expect(leakedSecretKinds(log, { password: account.password, "refresh token": session.refreshToken, "access token": session.accessToken })).toEqual([]);
  });
});
