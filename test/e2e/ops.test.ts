import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { readMigrations } from "../../lib/db/migrations.ts";
import { afterAll, describe, expect, it } from "vitest";
import { countUsersLike, query } from "../support/db-query.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { invokeLocal, printedJson } from "../support/invoke-local.ts";
import { newAccount, refresh, signedUp, signIn, signUp } from "../support/http.ts";

// The ops functions and `npm run db:migrate`, run the way docs/operations.md tells an operator to.

const extraDatabases: TestDatabase[] = [];
const MIGRATIONS = readMigrations(resolve("prisma/migrations")).map(({ name }) => name);
afterAll(async () => {
  await Promise.all(extraDatabases.map((database) => database.drop()));
});

describe("ops", () => {
  it("migrate through `sls invoke local` finds the run's database up to date", async () => {
    const result = printedJson<{ applied: string[]; alreadyApplied: string[] }>(await invokeLocal("migrate"));
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toEqual(MIGRATIONS);
    expect(MIGRATIONS[0]).toMatch(/^\d{14}_init$/);
  }, 180_000);

  it("createAdmin refuses bad input with a non-zero exit, naming the fields, and creates nothing", async () => {
    const input = { ...newAccount("bad_admin"), email: "nope", password: "Qz7-pw" };
    const before = await countUsersLike(input);
    const result = await invokeLocal("createAdmin", input);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Email must be a valid email address/);
    expect(`${result.stdout}${result.stderr}`).not.toContain("Qz7-pw");
    expect(await countUsersLike(input)).toBe(before);
  }, 180_000);

  it("createAdmin with a username alone asks for email and password, or promote", async () => {
    const result = await invokeLocal("createAdmin", { username: "nobody_yet" });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/A new admin needs an email and a password: give email and password to create a new admin, or promote: true/);
  }, 180_000);

  it("createAdmin never promotes a look-alike account someone signed up first", async () => {
    // Prepare: an attacker signs up the operator's intended admin name in another case.
    const operator = newAccount("boss");
    const attacker = { ...newAccount("x"), username: operator.username.toUpperCase() };
    expect((await signUp(attacker)).status).toBe(201);

    // Act: the operator creates "boss_…", then tries to promote it by that exact name.
    const created = await invokeLocal("createAdmin", operator);
    const promoted = await invokeLocal("createAdmin", { username: operator.username, promote: true });

    // Assess: both refused with a message saying why, and the look-alike is still a plain user.
    expect(created.code).not.toBe(0);
    expect(`${created.stdout}${created.stderr}`).toMatch(/Username is already in use \(usernames and emails compare ignoring case\), so no admin was created/);
    expect(`${created.stdout}${created.stderr}`).not.toContain(operator.password);
    expect(await countUsersLike({ email: operator.email })).toBe(0);
    expect(promoted.code).not.toBe(0);
    expect(`${promoted.stdout}${promoted.stderr}`).toContain(
      `No account is named exactly '${operator.username}' (there is '${attacker.username}', which differs in case`,
    );
    expect((await signIn(attacker)).roles).toEqual(["ROLE_USER"]);
  }, 180_000);

  it("createAdmin refuses an email any account holds, in any case", async () => {
    const holder = newAccount("holder");
    expect((await signUp(holder)).status).toBe(201);
    const input = { ...newAccount("second"), email: holder.email.toUpperCase() };
    const result = await invokeLocal("createAdmin", input);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Email is already in use/);
    expect(await countUsersLike({ username: input.username })).toBe(0);
  }, 180_000);

  it("createAdmin is idempotent: a repeat answers unchanged; the same name with another password changes nothing", async () => {
    // Prepare
    const admin = newAccount("again");
    const first = printedJson<{ id: number; action: string }>(await invokeLocal("createAdmin", admin));
    expect(first.action).toBe("created");

    // Act
    const repeated = printedJson<{ id: number; roles: string[]; action: string }>(await invokeLocal("createAdmin", admin));
    const otherPassword = await invokeLocal("createAdmin", { ...admin, password: "Another-Pw-9876" });
    const promotedAgain = printedJson<{ id: number; action: string }>(await invokeLocal("createAdmin", { username: admin.username, promote: true }));

    // Assess
    expect(repeated).toMatchObject({ id: first.id, roles: ["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"], action: "unchanged" });
    expect(otherPassword.code).not.toBe(0);
    expect(`${otherPassword.stdout}${otherPassword.stderr}`).toContain(`'${admin.username}' is already an admin, with another email or password: nothing was changed`);
    expect(`${otherPassword.stdout}${otherPassword.stderr}`).not.toContain("Another-Pw-9876");
    expect(promotedAgain).toMatchObject({ id: first.id, action: "unchanged" });
    expect((await signIn(admin)).roles).toEqual(["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"]);
    expect(await countUsersLike(admin)).toBe(1);
  }, 180_000);

  it("createAdmin refuses to create and promote in one call", async () => {
    const result = await invokeLocal("createAdmin", { ...newAccount("both"), promote: true });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Either create or promote/);
  }, 180_000);

  it("pruneSessions deletes expired sessions' rows and forgotten lockouts, leaving live sessions and recent lockouts", async () => {
    const expired = await signedUp("prune_old");
    const live = await signedUp("prune_live");
    await query("UPDATE sessions SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 DAY WHERE user_id = ?", [expired.session.id]);
    // Failures are forgotten 15 minutes after the lock's end (here, the last failure).
    const [forgotten, recent] = [newAccount("prune_forgotten").username, newAccount("prune_recent").username];
    await query(
      `INSERT INTO password_lockouts (username, failures, locked_until) VALUES
         (?, 3, UTC_TIMESTAMP(3) - INTERVAL 16 MINUTE), (?, 3, UTC_TIMESTAMP(3) - INTERVAL 14 MINUTE)`,
      [forgotten, recent],
    );

    const invoked = await invokeLocal("pruneSessions");
    const result = printedJson<{ deletedSessions: number; deletedLockouts: number }>(invoked);

    expect(result.deletedSessions).toBeGreaterThanOrEqual(1);
    expect(result.deletedLockouts).toBeGreaterThanOrEqual(1);
    expect(await query("SELECT id FROM sessions WHERE user_id = ?", [expired.session.id])).toEqual([]);
    expect((await refresh(live.session.refreshToken)).status).toBe(200);
    expect(await query("SELECT username FROM password_lockouts WHERE username = ?", [forgotten])).toEqual([]);
    expect(await query("SELECT username FROM password_lockouts WHERE username = ?", [recent])).toEqual([{ username: recent }]);
    // Through the functions' one logger: a JSON line with its level and service, like every other.
    const logLine = invoked.stdout.split("\n").find((line) => line.includes('"sessions_pruned"'));
    expect(JSON.parse(logLine ?? "{}")).toMatchObject({ level: "INFO", service: "auth-api", event: "sessions_pruned", deletedSessions: result.deletedSessions });
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
    expect(output).toContain(`migrations: ${MIGRATIONS.length} applied, 0 already applied`);
  }, 90_000);
});
