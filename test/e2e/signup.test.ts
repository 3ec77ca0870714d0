import { describe, expect, it } from "vitest";
import { countUsersLike, query } from "../support/db-query.ts";
import { call, newAccount, signIn, signUp } from "../support/http.ts";
import { invokeLocal, printedJson } from "../support/invoke-local.ts";
import jwt from "jsonwebtoken";
import { inject } from "vitest";

// Signup over HTTP: validation, duplicates, and who may grant which roles. Every refused
// request must leave the users table as it was.

/** Sends a signup that must be refused, and checks it stored no user under its name or email. */
async function expectRefusedWithoutChange(
  identity: { username?: unknown; email?: unknown },
  request: () => Promise<{ status: number; json<T>(): T; headers: Headers }>,
  status: number,
): Promise<{ message: string; errors?: { field: string; message: string }[] }> {
  const before = await countUsersLike(identity);
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await countUsersLike(identity)).toBe(before);
  return response.json();
}

function fields(body: { errors?: { field: string }[] }): string[] {
  return (body.errors ?? []).map(({ field }) => field).sort();
}

describe("signup validation", () => {
  it("names every bad or missing field in one 400", async () => {
    const sent = { username: "ab", email: "not-an-email" };
    const body = await expectRefusedWithoutChange(sent, () => call("/api/auth/signup", { body: sent }), 400);
    expect(body.message).toBe("Username must be at least 3 characters");
    expect(fields(body)).toEqual(["email", "password", "username"]);
  });

  it.each([
    ["a username with a space", { username: "has space" }, "username"],
    ["a username over 32 characters", { username: "a".repeat(33) }, "username"],
    ["a username with non-ASCII letters", { username: "jösé" }, "username"],
    ["a password under 8 characters", { password: "1234567" }, "password"],
    ["a number for a password", { password: 12345678 }, "password"],
    ["an unknown field", { role: "admin" }, "role"],
    ["an unknown role name", { roles: ["superuser"] }, "roles.0"],
    ["roles that are not a list", { roles: "admin" }, "roles"],
  ])("refuses %s", async (_case, override, field) => {
    const account = { ...newAccount("val"), ...override };
    const body = await expectRefusedWithoutChange(account, () => call("/api/auth/signup", { body: account }), 400);
    expect(fields(body)).toEqual([field]);
  });

  it("answers a body with many bad items with a bounded list of errors", async () => {
    // Under the 16 KB limit (a larger body is a 413, see test/e2e/security.test.ts).
    const body = { ...newAccount("many"), roles: Array.from({ length: 2_000 }, (_, i) => i), [`x${"k".repeat(5_000)}`]: 1 };
    const response = await call("/api/auth/signup", { body });
    expect(response.status).toBe(400);
    const { errors } = response.json<{ errors: { field: string; message: string }[] }>();
    expect(errors).toEqual([
      { field: "roles", message: "must have at most 3 items" },
      { field: `x${"k".repeat(63)}…`, message: "is not a known field" },
    ]);
    expect(response.text.length).toBeLessThan(500);
  });

  it("says what a username may contain in words, not as a pattern", async () => {
    const account = { ...newAccount("x"), username: "name@example.com" };
    const body = await expectRefusedWithoutChange(account, () => signUp(account), 400);
    expect(body).toEqual({
      message: "Username may contain only letters, digits, _ . -",
      errors: [{ field: "username", message: "may contain only letters, digits, _ . -" }],
    });
  });

  it("refuses a password holding U+FFFD, the mark of bytes that were not UTF-8", async () => {
    const account = { ...newAccount("fffd"), password: "p\uFFFDssw\uFFFDrd-1" };
    const body = await expectRefusedWithoutChange(account, () => signUp(account), 400);
    expect(body.errors).toEqual([{ field: "password", message: "must be valid UTF-8 text (it holds U+FFFD, the mark of a byte that was not)" }]);
  });

  it("refuses a password over 72 bytes of UTF-8 even when it is under 72 characters", async () => {
    const account = { ...newAccount("long"), password: "€".repeat(25) }; // 25 characters, 75 bytes
    const body = await expectRefusedWithoutChange(account, () => signUp(account), 400);
    expect(body.errors).toEqual([{ field: "password", message: "must be at most 72 bytes in UTF-8" }]);
  });

  it("accepts a password of exactly 72 bytes, and only that password signs in", async () => {
    const account = { ...newAccount("edge"), password: "€".repeat(24) }; // 72 bytes
    expect((await signUp(account)).status).toBe(201);
    expect((await signIn(account)).username).toBe(account.username);
    const longer = await call("/api/auth/signin", { body: { username: account.username, password: `${account.password}x` } });
    expect(longer.status).toBe(401);
  });

  it("answers malformed JSON with a JSON 4xx", async () => {
    const response = await call("/api/auth/signup", { rawBody: "{not json", headers: { "Content-Type": "application/json" } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.json()).toHaveProperty("message");
  });

  it("answers a body that is not JSON at all with a JSON 4xx", async () => {
    const response = await call("/api/auth/signup", { rawBody: "username=x", headers: { "Content-Type": "text/plain" } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.json()).toHaveProperty("message");
  });

  it("answers a JSON body that is not an object with 400", async () => {
    await expectRefusedWithoutChange({ username: "alice" }, () => call("/api/auth/signup", { body: ["alice"] }), 400);
  });

  it("never echoes the password or stores it in clear", async () => {
    const account = newAccount("clear");
    const response = await signUp(account);
    expect(response.text).not.toContain(account.password);
    const [row] = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = ?", [account.username]);
    expect(row?.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(row?.password_hash).not.toContain(account.password);
  });
});

describe("signup duplicates", () => {
  it("refuses a taken username ignoring case, naming it", async () => {
    const first = newAccount("Dup");
    expect((await signUp(first)).status).toBe(201);
    const second = { ...newAccount("other"), username: first.username.toUpperCase() };
    const body = await expectRefusedWithoutChange(second, () => signUp(second), 409);
    expect(body).toEqual({ message: "Username is already in use", errors: [{ field: "username", message: "is already in use" }] });
  });

  it("refuses a taken email ignoring case, naming it", async () => {
    const first = newAccount("mail");
    expect((await signUp(first)).status).toBe(201);
    const second = { ...newAccount("other"), email: first.email.toUpperCase() };
    const body = await expectRefusedWithoutChange(second, () => signUp(second), 409);
    expect(body.message).toBe("Email is already in use");
    expect(fields(body)).toEqual(["email"]);
  });

  it("names both when both are taken", async () => {
    const first = newAccount("both");
    expect((await signUp(first)).status).toBe(201);
    const body = await expectRefusedWithoutChange(first, () => signUp(first), 409);
    expect(body.message).toBe("Username and email are already in use");
    expect(fields(body)).toEqual(["email", "username"]);
  });

  it("lets exactly one of two simultaneous signups for the same name through", async () => {
    const account = newAccount("race");
    const answers = await Promise.all([signUp(account), signUp({ ...account, email: `x${account.email}` })]);
    expect(answers.map(({ status }) => status).sort()).toEqual([201, 409]);
  });
});

describe("signup roles", () => {
  it("gives a public signup the user role only", async () => {
    const account = newAccount("plain");
    expect((await signUp(account, { roles: ["user"] })).status).toBe(201);
    expect((await signIn(account)).roles).toEqual(["ROLE_USER"]);
  });

  it.each([["admin"], ["moderator"], ["user", "admin"]])("refuses a self-granted %s role with 403", async (...roles) => {
    const account = newAccount("self");
    const body = await expectRefusedWithoutChange(account, () => signUp(account, { roles }), 403);
    expect(body.message).toBe("Only an admin can grant roles");
  });

  it("refuses roles granted with a non-admin's token", async () => {
    const moderator = newAccount("notadmin");
    const admin = newAccount("grantor");
    printedJson(await invokeLocal("createAdmin", admin));
    const adminToken = (await signIn(admin)).accessToken;
    expect((await signUp(moderator, { roles: ["moderator"], token: adminToken })).status).toBe(201);
    const moderatorToken = (await signIn(moderator)).accessToken;
    const climber = newAccount("climber");
    await expectRefusedWithoutChange(climber, () => signUp(climber, { roles: ["moderator"], token: moderatorToken }), 403);

    // And the admin may grant several roles at once.
    const both = newAccount("both_roles");
    expect((await signUp(both, { roles: ["moderator", "admin"], token: adminToken })).status).toBe(201);
    expect((await signIn(both)).roles).toEqual(["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"]);
  }, 180_000);

  it("refuses a signup carrying a bad token with 401, whatever it asks for", async () => {
    const forged = jwt.sign({ username: "x", roles: ["admin"] }, "not-the-secret-not-the-secret-123456", {
      subject: "1",
      issuer: "serverless-auth-api",
      audience: "serverless-auth-api",
    });
    const [withForged, withGarbage] = [newAccount("forged"), newAccount("garbage")];
    await expectRefusedWithoutChange(withForged, () => signUp(withForged, { roles: ["admin"], token: forged }), 401);
    await expectRefusedWithoutChange(withGarbage, () => signUp(withGarbage, { token: "garbage" }), 401);
    expect(inject("jwtSecret")).not.toBe("not-the-secret-not-the-secret-123456");
  });
});
