import { execFile } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { countUsersLike } from "../support/db-query.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { invokeLocal, printedJson } from "../support/invoke-local.ts";
import { newAccount } from "../support/http.ts";

// The ops functions and `npm run db:migrate`, run the way the README tells an operator to.

const extraDatabases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(extraDatabases.map((database) => database.drop()));
});

describe("ops", () => {
  it("migrate through `sls invoke local` finds the run's database up to date", async () => {
    const result = printedJson<{ applied: string[]; alreadyApplied: string[] }>(await invokeLocal("migrate"));
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toEqual([expect.stringMatching(/^\d{14}_init$/)]);
  }, 180_000);

  it("createAdmin refuses bad input with a non-zero exit, naming the fields, and creates nothing", async () => {
    const input = { ...newAccount("bad_admin"), email: "nope", password: "Qz7-pw" };
    const before = await countUsersLike(input);
    const result = await invokeLocal("createAdmin", input);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/email must match format/);
    expect(`${result.stdout}${result.stderr}`).toMatch(/password must NOT have fewer than 8 characters/);
    expect(`${result.stdout}${result.stderr}`).not.toContain("Qz7-pw");
    expect(await countUsersLike(input)).toBe(before);
  }, 180_000);

  it("createAdmin asks for email and password when the user does not exist yet", async () => {
    const result = await invokeLocal("createAdmin", { username: "nobody_yet" });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/A new admin needs an email and a password: email is required; password is required/);
  }, 180_000);

  it("`npm run db:migrate -- --create-database` creates a missing database and migrates it", async () => {
    const database = await createTestDatabase("auth_api_cli");
    extraDatabases.push(database);
    await database.drop();
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        "npm",
        ["run", "--silent", "db:migrate", "--", "--create-database"],
        { env: { ...process.env, DATABASE_URL: database.url }, timeout: 60_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${stdout}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(output).toMatch(/migrations: 1 applied, 0 already applied/);
  }, 90_000);
});
