import { resolve } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { queryAt } from "../support/db-query.ts";
import { waitForLockWaits } from "../support/lock-waits.ts";

// An admin's right is checked with the act it allows, under the admins' lock, so a demotion that
// commits first wins. The admins' lock covers every admin row, so this file has a database of its
// own: another file's admins would make the lock waits counted here someone else's.

interface Container {
  signUp: typeof import("../../lib/users/signup.ts")["signUp"];
  endUserSessions: typeof import("../../lib/sessions/end-user-sessions.ts")["endUserSessions"];
}

let database: TestDatabase;
const savedUrl = process.env.DATABASE_URL;
let container: Container;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => queryAt<T>(database.url, text, params);

async function newUser(name: string, roles: string[]): Promise<number> {
  await sql("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, 'x', NOW(3))", [name, `${name}@example.com`]);
  const [row] = await sql<{ id: number }>("SELECT id FROM users WHERE username = ?", [name]);
  await sql("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE name IN (?)", [row!.id, roles]);
  return row!.id;
}

/** An admin by their token, whatever the database says. */
function adminByToken(userId: number) {
  return { userId, username: `admin${userId}`, roles: ["user" as const, "moderator" as const, "admin" as const] };
}

/** What an act came to: "done", or the refusal's status. */
async function outcome(act: Promise<unknown>): Promise<string> {
  return act.then(
    () => "done",
    (error: unknown) => {
      if (error instanceof Error && "statusCode" in error) return String(error.statusCode);
      throw error;
    },
  );
}

/**
 * Runs `act` while another connection demotes `adminId`, uncommitted: the demotion commits once
 * `act` waits for its lock (or once `act` is over, if it never waits: the old check-then-act).
 */
async function demotedWhile(adminId: number, act: () => Promise<string>): Promise<string> {
  const demotion = await mysql.createConnection(parseDatabaseUrl(database.url));
  await demotion.beginTransaction();
  await demotion.query("DELETE ur FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ? AND r.name = 'admin'", [adminId]);
  const result = act();
  await Promise.race([waitForLockWaits(demotion, 1), result]);
  await demotion.commit();
  await demotion.end();
  return result;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  process.env.DATABASE_URL = database.url;
  container = await newContainerWith(async () => ({
    signUp: (await import("../../lib/users/signup.ts")).signUp,
    endUserSessions: (await import("../../lib/sessions/end-user-sessions.ts")).endUserSessions,
  }));
});

afterAll(async () => {
  await closeContainers();
  process.env.DATABASE_URL = savedUrl;
  await database.drop();
});

describe("an admin's right, checked with the act", () => {
  it("refuses a signup with roles (403, no user) when the caller's demotion commits while it runs", async () => {
    const [demoted] = [await newUser("demoted_granter", ["user", "admin"]), await newUser("other_admin", ["user", "admin"])];
    const account = { username: "would_be_admin", email: "would_be_admin@example.com", password: "a-long-enough-password" };

    const answer = await demotedWhile(demoted, () => outcome(container.signUp({ ...account, roles: ["admin"] }, adminByToken(demoted))));

    expect(answer).toBe("403");
    expect(await sql("SELECT id FROM users WHERE username = ?", [account.username])).toEqual([]);
  });

  it("refuses to end a user's sessions (403) when the caller's demotion commits while it runs", async () => {
    const demoted = await newUser("demoted_ender", ["user", "admin"]);
    const target = await newUser("signed_in_target", ["user"]);

    const answer = await demotedWhile(demoted, () => outcome(container.endUserSessions(adminByToken(demoted), target)));

    expect(answer).toBe("403");
  });
});
