import { beforeAll, describe, expect, it } from "vitest";
import { START_CURSOR } from "../../lib/users/schemas.ts";
import { grantRoleInDatabase, query } from "../support/db-query.ts";
import { call, newAccount, refresh, refreshed, signedUp, signIn, signUp, type Session } from "../support/http.ts";

// /me and the admin routes over HTTP: listing, role management, signing a user out everywhere,
// and admin rights judged by the database, not only by the token.

let admin: Session;

/** A signed-up user made admin straight in the database, then signed in (so the token says admin). */
async function newAdmin(prefix: string): Promise<Session> {
  const { account, session } = await signedUp(prefix);
  await grantRoleInDatabase(session.id, "admin");
  return signIn(account);
}

function setRoles(userId: number | string, roles: unknown, token: string) {
  return call(`/api/admin/users/${userId}/roles`, { method: "PUT", body: { roles }, token });
}

function listUsers(search: string, token: string) {
  return call(`/api/admin/users${search}`, { token });
}

function endSessions(userId: number | string, token: string) {
  return call(`/api/admin/users/${userId}/sessions`, { method: "DELETE", token });
}

beforeAll(async () => {
  admin = await newAdmin("acc_admin");
});

describe("GET /api/auth/me", () => {
  it("answers the caller's own account, never cached", async () => {
    const { account, session } = await signedUp("me");
    const response = await call("/api/auth/me", { token: session.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.json()).toEqual({
      id: session.id,
      username: account.username,
      email: account.email,
      emailVerified: false,
      roles: ["ROLE_USER"],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(response.text).not.toMatch(/password|\$2[aby]\$/i);
  });

  it("shows an admin every role it includes", async () => {
    expect((await call("/api/auth/me", { token: admin.accessToken })).json()).toMatchObject({
      roles: ["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"],
    });
  });

  it("answers 401 without a token, and for a deleted account's token", async () => {
    expect((await call("/api/auth/me")).status).toBe(401);
    const { session } = await signedUp("me_gone");
    await query("DELETE FROM users WHERE id = ?", [session.id]);
    const response = await call("/api/auth/me", { token: session.accessToken });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ message: "This account no longer exists" });
  });
});

describe("admin routes refuse everyone but admins", () => {
  it.each(["user", "moderator"])("a %s gets 403 on every admin route, changing nothing", async (role) => {
    const { account, session } = await signedUp(`not_admin_${role}`);
    if (role !== "user") await grantRoleInDatabase(session.id, role);
    const { accessToken } = await signIn(account);
    const bystander = await signedUp("bystander");
    const answers = [
      await listUsers("", accessToken),
      await setRoles(session.id, ["admin"], accessToken),
      await endSessions(bystander.session.id, accessToken),
    ];
    for (const response of answers) {
      expect(response.status).toBe(403);
      expect(response.json()).toEqual({ message: "Require Admin Role!" });
    }
    expect((await call("/api/auth/me", { token: accessToken })).json()).toMatchObject({ roles: role === "user" ? ["ROLE_USER"] : ["ROLE_USER", "ROLE_MODERATOR"] });
    expect((await refresh(bystander.session.refreshToken)).status).toBe(200);
  });

  it("answers 401 without a token", async () => {
    expect((await call("/api/admin/users")).status).toBe(401);
  });
});

describe("role management", () => {
  it("grants moderator; the user's next refreshed token reaches the moderator board", async () => {
    const { account, session } = await signedUp("promoted");
    const response = await setRoles(session.id, ["moderator"], admin.accessToken);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ id: session.id, username: account.username, roles: ["ROLE_USER", "ROLE_MODERATOR"] });

    // The old access token still carries the old roles until it is refreshed.
    expect((await call("/api/test/mod", { token: session.accessToken })).status).toBe(403);
    const next = await refreshed(session.refreshToken);
    expect((await call("/api/test/mod", { token: next.accessToken })).text).toBe("Moderator Content.");
    expect((await call("/api/test/admin", { token: next.accessToken })).status).toBe(403);
  });

  it("takes roles away at the next refresh too; everyone keeps user", async () => {
    const { session } = await signedUp("demoted");
    await grantRoleInDatabase(session.id, "moderator");
    const response = await setRoles(session.id, [], admin.accessToken);
    expect(response.json()).toMatchObject({ roles: ["ROLE_USER"] });
    const next = await refreshed(session.refreshToken);
    expect((await call("/api/test/mod", { token: next.accessToken })).status).toBe(403);
    expect((await call("/api/test/user", { token: next.accessToken })).status).toBe(200);
  });

  it("names the roles it knows when given another", async () => {
    const { session } = await signedUp("role_names");
    const response = await setRoles(session.id, ["ROLE_ADMIN"], admin.accessToken);
    expect(response.json()).toEqual({
      message: "Roles must be one of: user, moderator, admin",
      errors: [{ field: "roles.0", message: "must be one of: user, moderator, admin" }],
    });
  });

  it.each([
    ["an unknown role", { roles: ["root"] }],
    ["roles that are not a list", { roles: "admin" }],
    ["a missing roles field", {}],
  ])("refuses %s with 400 and the field's errors", async (_case, body) => {
    const { session } = await signedUp("bad_roles");
    const response = await call(`/api/admin/users/${session.id}/roles`, { method: "PUT", body, token: admin.accessToken });
    expect(response.status).toBe(400);
    expect(response.json()).toHaveProperty("errors");
  });

  it.each(["0", "-1", "1e3", "01", "abc", "99999999999"])("refuses the user id %j with 400", async (id) => {
    const response = await setRoles(id, ["user"], admin.accessToken);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: "The user id in the path must be a whole number from 1 to 2147483647", errors: [{ field: "id", message: "must be a whole number from 1 to 2147483647" }] });
  });

  it("answers 404 for a user that does not exist", async () => {
    const response = await setRoles(2 ** 31 - 1, ["moderator"], admin.accessToken);
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ message: `No user has the id ${2 ** 31 - 1}` });
  });
});

describe("admin rights come from the database", () => {
  it("a demoted admin's unexpired token can no longer grant roles, list users or sign anyone out", async () => {
    const demoted = await newAdmin("was_admin");
    const victim = await signedUp("victim");
    expect((await setRoles(demoted.id, [], admin.accessToken)).status).toBe(200);

    const stillAdminInToken = demoted.accessToken;
    const climber = newAccount("climber");
    const answers = [
      await signUp(climber, { roles: ["moderator"], token: stillAdminInToken }),
      await listUsers("", stillAdminInToken),
      await setRoles(victim.session.id, ["admin"], stillAdminInToken),
      await endSessions(victim.session.id, stillAdminInToken),
    ];
    expect(answers.map(({ status }) => status)).toEqual([403, 403, 403, 403]);
    expect((await signUp(climber)).status).toBe(201); // the refused signup stored nothing
    expect((await refresh(victim.session.refreshToken)).status).toBe(200);
    expect((await call("/api/auth/me", { token: victim.session.accessToken })).json()).toMatchObject({ roles: ["ROLE_USER"] });
  });

  it("a deleted admin's token is refused the same way", async () => {
    const gone = await newAdmin("gone_admin");
    const victim = await signedUp("victim_of_gone");
    await query("DELETE FROM users WHERE id = ?", [gone.id]);
    const answers = [
      await signUp(newAccount("ghost_made"), { roles: ["admin"], token: gone.accessToken }),
      await listUsers("", gone.accessToken),
      await setRoles(victim.session.id, ["admin"], gone.accessToken),
      await endSessions(victim.session.id, gone.accessToken),
    ];
    expect(answers.map(({ status }) => status)).toEqual([403, 403, 403, 403]);
    expect((await refresh(victim.session.refreshToken)).status).toBe(200);
  });
});

describe("signing a user out everywhere", () => {
  it("ends every session of that user: no refresh works afterwards", async () => {
    const { account, session } = await signedUp("kicked");
    const second = await signIn(account);
    const response = await endSessions(session.id, admin.accessToken);
    expect(response.status).toBe(204);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
  });

  it("answers 404 for a user that does not exist", async () => {
    expect((await endSessions(2 ** 31 - 1, admin.accessToken)).status).toBe(404);
  });
});

describe("listing users", () => {
  it("pages through every user once, in id order, with an opaque cursor", async () => {
    // Prepare: enough users that a page of 2 cannot hold them.
    const created = [];
    for (let i = 0; i < 3; i++) created.push((await signedUp("listed")).session.id);

    // Act
    const seen: number[] = [];
    let search = "?limit=2";
    let pages = 0;
    for (;;) {
      const response = await listUsers(search, admin.accessToken);
      expect(response.status).toBe(200);
      const page = response.json<{ items: { id: number; username: string; email: string; emailVerified: boolean; roles: string[]; createdAt: string }[]; nextCursor?: string }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) expect(Object.keys(item).sort()).toEqual(["createdAt", "email", "emailVerified", "id", "roles", "username"]);
      seen.push(...page.items.map(({ id }) => id));
      pages++;
      if (!page.nextCursor) break;
      expect(page.items).toHaveLength(2);
      search = `?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`;
    }

    // Assess: every user, each once, ascending, over more than one page.
    const [{ n }] = (await query<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE id <= ?", [Math.max(...seen)])) as [{ n: number }];
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(Number(n));
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(pages).toBeGreaterThan(1);
  });

  it("answers 20 users by default and shows roles the tutorials' way", async () => {
    const [{ n }] = (await query<{ n: number }>("SELECT COUNT(*) AS n FROM users")) as [{ n: number }];
    const page = (await listUsers("", admin.accessToken)).json<{ items: { id: number; roles: string[] }[] }>();
    expect(page.items).toHaveLength(Math.min(20, Number(n)));
    for (const item of page.items) expect(item.roles[0]).toBe("ROLE_USER");

    let search = "?limit=100";
    let found: { roles: string[] } | undefined;
    while (!found) {
      const next = (await listUsers(search, admin.accessToken)).json<{ items: { id: number; roles: string[] }[]; nextCursor?: string }>();
      found = next.items.find(({ id }) => id === admin.id);
      if (!next.nextCursor) break;
      search = `?limit=100&cursor=${next.nextCursor}`;
    }
    expect(found?.roles).toEqual(["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"]);
  });

  it("answers the first page for the cursor's described default, as for no cursor", async () => {
    const first = await listUsers("?limit=3", admin.accessToken);
    const fromDefault = await listUsers(`?limit=3&cursor=${START_CURSOR}`, admin.accessToken);
    expect(fromDefault.status).toBe(200);
    expect(fromDefault.json()).toEqual(first.json());
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["limit=2.5", "limit"],
    ["cursor=nonsense", "cursor"],
    [`cursor=${Buffer.from("u:-5").toString("base64url")}`, "cursor"],
    ["page=2", "page"],
    ["limit=1&limit=2", "limit"],
  ])("refuses ?%s with a 400 naming the parameter", async (search, field) => {
    const response = await listUsers(`?${search}`, admin.accessToken);
    expect(response.status).toBe(400);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual([field]);
  });
});
