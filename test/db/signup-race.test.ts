import { resolve } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { queryAt } from "../support/db-query.ts";
import { newAccount, type Account } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";
import { urlForLockWaits, waitForLockWaits } from "../support/lock-waits.ts";

// Two signups for one username or email at once, on two connections (two Lambda containers).
// Signup checks nothing before its insert: the unique indexes alone keep a name to one account,
// and the loser's 409 must still name the taken field. This file locks the roles table, which
// every signup reads, so it has a database of its own.

type Signup = (typeof import("../../functions/signup.ts"))["handler"];

let database: TestDatabase;
const savedUrl = process.env.DATABASE_URL;
let a: Signup;
let b: Signup;

function newContainer(): Promise<Signup> {
  return newContainerWith(async () => (await import("../../functions/signup.ts")).handler);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  process.env.DATABASE_URL = urlForLockWaits(database.url);
  [a, b] = [await newContainer(), await newContainer()];
});

afterAll(async () => {
  await closeContainers();
  process.env.DATABASE_URL = savedUrl;
  await database.drop();
});

/** The answer as status and the fields a 409 names: "201", "409 username". */
async function outcome(container: Signup, account: Account): Promise<string> {
  const answer = await container(httpEvent({ body: account }) as never, lambdaContext());
  const fields = (JSON.parse(answer.body) as { errors?: { field: string }[] }).errors?.map(({ field }) => field) ?? [];
  return [answer.statusCode, ...fields].join(" ");
}

describe("signups racing for one name", () => {
  it.each([
    ["username", (first: Account) => ({ ...newAccount("other"), username: first.username.toUpperCase() })],
    ["email", (first: Account) => ({ ...newAccount("other"), email: first.email.toUpperCase() })],
  ])("store one account; the other is a 409 naming the %s", async (field, rival) => {
    // Prepare: a third connection locks the roles, which a signup reads after inserting its user,
    // so both signups are surely under way together: one holds its new row, the other waits on it.
    const first = newAccount("race");
    const second = rival(first);
    const holder = await mysql.createConnection(parseDatabaseUrl(database.url));
    await holder.beginTransaction();
    await holder.query("SELECT id FROM roles FOR UPDATE");

    // Act
    const racing = Promise.all([outcome(a, first), outcome(b, second)]);
    await waitForLockWaits(holder, 2);
    await holder.commit();
    await holder.end();
    const outcomes = await racing;

    // Assess
    expect(outcomes.sort()).toEqual(["201", `409 ${field}`]);
    // One account, holding its role: the winner's user and role rows were stored together.
    const [stored] = await queryAt<{ users: number; roles: number }>(
      database.url,
      `SELECT COUNT(DISTINCT u.id) AS users, COUNT(ur.role_id) AS roles
       FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id WHERE u.username = ? OR u.email = ?`,
      [first.username, first.email],
    );
    expect({ users: Number(stored?.users), roles: Number(stored?.roles) }).toEqual({ users: 1, roles: 1 });
  });
});
