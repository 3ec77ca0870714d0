import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { query } from "../support/db-query.ts";
import { call, refresh, refreshed, signedUp, signIn, type Session } from "../support/http.ts";

// Sessions over HTTP: rotation, reuse detection, the refresh race, signout and password change.

const INVALID_REFRESH = { message: "Invalid or expired refresh token" };

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function sessionIdOf(refreshToken: string): string {
  return refreshToken.split(".")[0]!;
}

async function sessionRows(userId: number): Promise<{ id: string; token_hash: string }[]> {
  return query("SELECT id, token_hash FROM sessions WHERE user_id = ? ORDER BY id", [userId]);
}

function signOut(body: unknown, token?: string) {
  return call("/api/auth/signout", { body, token });
}

describe("refresh", () => {
  it("rotates: a new pair for the old refresh token, never cached, the new access token accepted", async () => {
    const { session } = await signedUp("rot");
    const response = await refresh(session.refreshToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const pair = response.json();
    expect(pair).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/),
      tokenType: "Bearer",
      expiresIn: 900,
      refreshExpiresIn: expect.any(Number),
    });
    expect(pair.refreshToken).not.toBe(session.refreshToken);
    // The same session (family), and its absolute expiry is not extended.
    expect(sessionIdOf(pair.refreshToken as string)).toBe(sessionIdOf(session.refreshToken));
    expect(pair.refreshExpiresIn).toBeLessThanOrEqual(session.refreshExpiresIn);
    expect((await call("/api/test/user", { token: pair.accessToken as string })).text).toBe("User Content.");
  });

  it("stores only the SHA-256 of the current refresh token", async () => {
    const { session } = await signedUp("hash");
    const next = await refreshed(session.refreshToken);
    const rows = await sessionRows(session.id);
    expect(rows).toEqual([{ id: sessionIdOf(next.refreshToken), token_hash: sha256(next.refreshToken) }]);
    expect(JSON.stringify(rows)).not.toContain(next.refreshToken.split(".")[1]);
  });

  it("treats a spent token as theft: 401, and the whole session ends", async () => {
    const { session } = await signedUp("reuse");
    const next = await refreshed(session.refreshToken);
    const replay = await refresh(session.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.json()).toEqual(INVALID_REFRESH);
    // The thief's replay also ends the session for whoever holds the newest token.
    expect((await refresh(next.refreshToken)).status).toBe(401);
    expect(await sessionRows(session.id)).toEqual([]);
  });

  // Over HTTP, serverless-offline may serve these one after another; the race on the database
  // itself, two connections at once, is in test/db/session-store.test.ts.
  it("lets exactly one of several refreshes sent at once with the same token through", async () => {
    const { session } = await signedUp("race");
    const answers = await Promise.all(Array.from({ length: 4 }, () => refresh(session.refreshToken)));
    const statuses = answers.map(({ status }) => status).sort();
    expect(statuses).toEqual([200, 401, 401, 401]);
    // The others presented a spent token: reuse, so the winner's new token is dead too.
    const winner = answers.find(({ status }) => status === 200)!.json<{ refreshToken: string }>();
    expect((await refresh(winner.refreshToken)).status).toBe(401);
  });

  it.each([
    ["a well-formed token no one issued", () => `${"0".repeat(32)}.${"A".repeat(43)}`],
    ["a malformed token", () => "not-a-token"],
    ["an empty string", () => ""],
    ["a 5000-character string", () => "x".repeat(5000)],
    ["a JWT access token", (session: Session) => session.accessToken],
  ])("answers %s with the one 401", async (_case, token) => {
    const { session } = await signedUp("bad");
    const response = await refresh(token(session));
    expect(response.status).toBe(401);
    expect(response.json()).toEqual(INVALID_REFRESH);
    // And the real session is untouched.
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });

  it("answers an expired session with the one 401", async () => {
    const { session } = await signedUp("expired");
    // UTC_TIMESTAMP: Prisma stores DATETIME in UTC, whatever the server's time zone.
    await query("UPDATE sessions SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE user_id = ?", [session.id]);
    const response = await refresh(session.refreshToken);
    expect(response.status).toBe(401);
    expect(response.json()).toEqual(INVALID_REFRESH);
  });

  it("never issues an access token that outlives its session", async () => {
    const { session } = await signedUp("ending");
    await query("UPDATE sessions SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 100 SECOND WHERE user_id = ?", [session.id]);
    const pair = await refreshed(session.refreshToken);
    expect(pair.refreshExpiresIn).toBeLessThanOrEqual(100);
    expect(pair.expiresIn).toBeLessThanOrEqual(pair.refreshExpiresIn);
    const { exp, iat } = JSON.parse(Buffer.from(pair.accessToken.split(".")[1]!, "base64url").toString()) as { exp: number; iat: number };
    expect(exp - iat).toBe(pair.expiresIn);
  });

  it("fails for a deleted user", async () => {
    const { session } = await signedUp("deleted");
    await query("DELETE FROM users WHERE id = ?", [session.id]);
    expect((await refresh(session.refreshToken)).status).toBe(401);
  });

  it.each([
    ["no refreshToken", {}],
    ["a number", { refreshToken: 42 }],
    ["an unknown field", { refreshToken: "x", extra: 1 }],
  ])("refuses a body with %s with a 400 naming the field", async (_case, body) => {
    const response = await call("/api/auth/refresh", { body });
    expect(response.status).toBe(400);
    expect(response.json()).toHaveProperty("errors");
  });
});

describe("/api/auth/refreshtoken, as bezkoder's refresh-token front ends call it", () => {
  // Their interceptor sends the stored access token and, after any 401, the first refresh token
  // again: it stores only the new access token.
  function refreshtoken(refreshToken: unknown, accessToken?: string) {
    return call("/api/auth/refreshtoken", { body: { refreshToken }, token: accessToken });
  }

  it("answers the first call a new pair, and the second with the first token 403 under the stage's default strict rotation, ending the session", async () => {
    const { session } = await signedUp("tut");

    const first = await refreshtoken(session.refreshToken, session.accessToken);
    const second = await refreshtoken(session.refreshToken, first.json<{ accessToken: string }>().accessToken);

    expect(first.status).toBe(200);
    expect(first.json()).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(second.status).toBe(403);
    expect(second.json()).toEqual({ message: "Invalid or expired refresh token. Please make a new signin request" });
    expect(await sessionRows(session.id)).toEqual([]);
  });

  it("refuses a missing token with 403, not 401 (a 401 makes those clients call it again, in a loop)", async () => {
    const response = await call("/api/auth/refreshtoken", { body: {} });
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ message: "Refresh Token is required!" });
  });
});

describe("signout", () => {
  it("ends the presented token's session only, with 204", async () => {
    const { account, session } = await signedUp("out");
    const other = await signIn(account);
    const response = await signOut({ refreshToken: session.refreshToken });
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it("answers 204 for an unknown, malformed or already ended token, and ends no other session", async () => {
    const { session } = await signedUp("out_unknown");
    const bystander = await signedUp("out_bystander");
    for (const refreshToken of [`${"f".repeat(32)}.${"B".repeat(43)}`, "garbage", session.refreshToken, session.refreshToken]) {
      expect((await signOut({ refreshToken })).status).toBe(204);
    }
    expect((await refresh(bystander.session.refreshToken)).status).toBe(200);
  });

  it("needs no access token, and ignores an expired one sent along", async () => {
    const { session } = await signedUp("out_stale");
    const response = await signOut({ refreshToken: session.refreshToken }, "expired.or.garbage");
    expect(response.status).toBe(204);
    expect((await refresh(session.refreshToken)).status).toBe(401);
  });

  it("ends every session of the Bearer token's user with {all: true}, and no one else's", async () => {
    const { account, session } = await signedUp("out_all");
    const second = await signIn(account);
    const bystander = await signedUp("bystander");
    const response = await signOut({ all: true }, session.accessToken);
    expect(response.status).toBe(204);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await refresh(bystander.session.refreshToken)).status).toBe(200);
  });

  it("refuses {all: true} without a valid Bearer token, ending nothing", async () => {
    const { session } = await signedUp("out_all_anon");
    const anonymous = await signOut({ all: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toEqual({ message: "Signing out of every session needs a Bearer access token" });
    expect((await signOut({ all: true }, "garbage")).status).toBe(401);
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });

  it.each([
    ["an empty body", {}, "refreshToken"],
    ["both forms at once", { all: true, refreshToken: "x" }, "all"],
    ["all: false", { all: false }, "all"],
  ])("refuses %s with a 400 naming the field", async (_case, body, field) => {
    const { session } = await signedUp("out_bad");
    const response = await signOut(body, session.accessToken);
    expect(response.status).toBe(400);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual([field]);
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });
});

describe("password change", () => {
  function changePassword(body: unknown, token?: string) {
    return call("/api/auth/password", { body, token });
  }

  it("needs the current password; a wrong one is a 401 that changes nothing", async () => {
    const { account, session } = await signedUp("pw_wrong");
    const response = await changePassword({ currentPassword: "not-the-password", newPassword: "a-new-password" }, session.accessToken);
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ message: "Current password is incorrect" });
    expect((await signIn(account)).username).toBe(account.username);
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });

  it("replaces the password and ends every session of the user", async () => {
    const { account, session } = await signedUp("pw_ok");
    const otherDevice = await signIn(account);
    const newPassword = "a-brand-new-password";
    const response = await changePassword({ currentPassword: account.password, newPassword }, session.accessToken);
    expect(response.status).toBe(204);

    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await refresh(otherDevice.refreshToken)).status).toBe(401);
    const oldPassword = await call("/api/auth/signin", { body: { username: account.username, password: account.password } });
    expect(oldPassword.status).toBe(401);
    expect((await signIn({ username: account.username, password: newPassword })).id).toBe(session.id);
  });

  it.each([
    ["a new password under 8 characters", { newPassword: "short" }, "newPassword"],
    ["a new password over 72 bytes", { newPassword: "€".repeat(25) }, "newPassword"],
    ["the same password again", { newPassword: "SAME" }, "newPassword"],
    ["no current password", { currentPassword: undefined }, "currentPassword"],
  ])("refuses %s with a 400, changing nothing", async (_case, override, field) => {
    const { account, session } = await signedUp("pw_bad");
    const body = { currentPassword: account.password, newPassword: "a-fine-new-password", ...override };
    if (body.newPassword === "SAME") body.newPassword = account.password;
    const response = await changePassword(body, session.accessToken);
    expect(response.status).toBe(400);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual([field]);
    expect((await signIn(account)).username).toBe(account.username);
  });

  it("is refused without an access token", async () => {
    const response = await changePassword({ currentPassword: "whatever-1", newPassword: "whatever-2" });
    expect(response.status).toBe(401);
  });
});
