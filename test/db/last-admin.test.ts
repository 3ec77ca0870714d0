import { resolve } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { queryAt } from "../support/db-query.ts";
import { urlForLockWaits, waitForLockWaits } from "../support/lock-waits.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// "The last admin" is about the whole users table, so this file has a database of its own. Each
// container below is a fresh module instance with its own Prisma client and connection, as two
// Lambda containers would be; the handlers get API Gateway's exact event with the authorizer's context.

type SetRoles = typeof import("../../functions/admin/set-user-roles.ts")["handler"];
interface Container {
  setRoles: SetRoles;
}

let database: TestDatabase;
const savedUrl = process.env.DATABASE_URL;
function newContainer(): Promise<Container> {
  return newContainerWith(async () => ({ setRoles: (await import("../../functions/admin/set-user-roles.ts")).handler }));
}

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => queryAt<T>(database.url, text, params);

async function newAdmin(name: string): Promise<number> {
  await sql("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, 'x', NOW(3))", [name, `${name}@example.com`]);
  const [row] = await sql<{ id: number }>("SELECT id FROM users WHERE username = ?", [name]);
  await sql("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE name IN ('user', 'admin')", [row!.id]);
  return row!.id;
}

async function adminIds(): Promise<number[]> {
  const rows = await sql<{ user_id: number }>(
    "SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = 'admin' ORDER BY ur.user_id",
  );
  return rows.map((row) => row.user_id);
}

/** `actor` (an admin by their token) sets `target`'s roles. */
function setRolesAs(container: Container, actor: number, target: number, roles: string[]) {
  const event = httpEvent({
    method: "PUT",
    path: `/api/admin/users/${target}/roles`,
    pathParameters: { id: String(target) },
    body: { roles },
    authorizer: { userId: String(actor), username: `admin${actor}`, roles: "user,moderator,admin" },
  });
  return container.setRoles(event as never, lambdaContext());
}

let a: Container;
let b: Container;

beforeAll(async () => {
  database = await createTestDatabase();
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  process.env.DATABASE_URL = urlForLockWaits(database.url);
  a = await newContainer();
  b = await newContainer();
});

afterAll(async () => {
  await closeContainers();
  process.env.DATABASE_URL = savedUrl;
  await database.drop();
});

beforeEach(async () => {
  await sql("DELETE FROM users");
});

describe("the last admin", () => {
  it("cannot lose admin: 409, and nothing changes", async () => {
    const only = await newAdmin("only_admin");
    const answer = await setRolesAs(a, only, only, ["moderator"]);
    expect(answer.statusCode).toBe(409);
    expect(JSON.parse(answer.body)).toEqual({ message: "This user is the last admin: make another user admin first" });
    expect(await adminIds()).toEqual([only]);
  });

  it("can be demoted once another admin exists", async () => {
    const [first, second] = [await newAdmin("first_admin"), await newAdmin("second_admin")];
    expect((await setRolesAs(a, first, second, [])).statusCode).toBe(200);
    expect(await adminIds()).toEqual([first]);
    expect((await setRolesAs(a, first, first, [])).statusCode).toBe(409);
  });

  it("survives two admins demoting each other at once, on two connections", async () => {
    // Prepare: a third connection holds the admin rows, so both demotions are surely under way
    // together before either can go on.
    const [first, second] = [await newAdmin("left"), await newAdmin("right")];
    const holder = await mysql.createConnection(parseDatabaseUrl(database.url));
    await holder.beginTransaction();
    await holder.query("SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = 'admin' FOR UPDATE");

    // Act
    const demotions = Promise.all([setRolesAs(a, first, second, ["user"]), setRolesAs(b, second, first, ["user"])]);
    await waitForLockWaits(holder, 2);
    await holder.commit();
    await holder.end();
    const answers = await demotions;

    // Assess: the second to take the lock is no longer an admin by then.
    expect(answers.map(({ statusCode }) => statusCode).sort()).toEqual([200, 403]);
    expect(await adminIds()).toHaveLength(1);
  });
});
