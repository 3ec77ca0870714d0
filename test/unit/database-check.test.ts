import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabaseServer, connectTimeoutOf, describeDatabaseProblem, shownDatabaseUrl, type DatabaseUrlSource } from "../../scripts/database-check.ts";

// What `npm start` and `npm run db:migrate` say when DATABASE_URL leads nowhere: the URL tried
// without its password, and the fix for each kind of failure. The refused and silent servers are
// real local ports; the other errors are given in the shape both drivers gave against MariaDB
// 10.11 (mysql2 and mariadb alike: `code` ENOTFOUND, ER_ACCESS_DENIED_ERROR with errno 1045,
// ER_ACCESS_DENIED_NO_PASSWORD_ERROR with 1698).

const PASSWORD = "pw-Zq81-secret";

let silent: Server;
const sockets: Socket[] = [];
let silentPort: number;
let closedPort: number;

/** A port something listened on a moment ago: nothing does now, so connecting is refused. */
async function closedLocalPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // Accepts connections and never sends MySQL's greeting.
  silent = createServer((socket) => sockets.push(socket)).listen(0, "127.0.0.1");
  await new Promise((resolve) => silent.once("listening", resolve));
  silentPort = (silent.address() as { port: number }).port;
  closedPort = await closedLocalPort();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

/** The error checkDatabaseServer fails with. */
async function failureOf(url: string): Promise<unknown> {
  return checkDatabaseServer(url).then(
    () => expect.fail("connected"),
    (error: unknown) => error,
  );
}

function problem(error: unknown, url: string, source: DatabaseUrlSource = ".env"): string {
  const message = describeDatabaseProblem(error, { url, source });
  expect(message).toBeDefined();
  expect(message).not.toContain(PASSWORD);
  return message!;
}

const driverError = (code: string, errno?: number) => Object.assign(new Error(`driver says ${code}`), { code, errno });

describe("shownDatabaseUrl", () => {
  it.each([
    ["a password and options", `mysql://root:${PASSWORD}@127.0.0.1:3307/auth_api?allowPublicKeyRetrieval=true`, "mysql://root:***@127.0.0.1:3307/auth_api"],
    ["no password, no port", "mysql://root@127.0.0.1/auth_api", "mysql://root@127.0.0.1/auth_api"],
    ["an IPv6 host and a password among the options", `mariadb://app:${PASSWORD}@[::1]:3306/db?password=${PASSWORD}`, "mariadb://app:***@[::1]:3306/db"],
    ["no user", "mysql://db.example.com:3306/auth_api", "mysql://db.example.com:3306/auth_api"],
    ["something that is no URL", `not a url ${PASSWORD}`, "(not a valid URL)"],
  ])("shows a URL with %s without password or options", (_case, url, shown) => {
    expect(shownDatabaseUrl(url)).toBe(shown);
  });
});

describe("connectTimeoutOf", () => {
  it("is 3 s unless the URL's connectTimeout says otherwise", () => {
    expect(connectTimeoutOf("mysql://root@127.0.0.1/auth_api")).toBe(3_000);
    expect(connectTimeoutOf("mysql://root@db.example.com/auth_api?connectTimeout=20000")).toBe(20_000);
    expect(connectTimeoutOf("mysql://root@127.0.0.1/auth_api?connectTimeout=soon")).toBe(3_000);
    expect(connectTimeoutOf("not a url")).toBe(3_000);
  });
});

describe("describeDatabaseProblem", () => {
  it("a closed port: nothing listens there; start a server, npm run db:up, or a URL in .env", async () => {
    const url = `mysql://root:${PASSWORD}@127.0.0.1:${closedPort}/auth_api`;
    const error = await failureOf(url);
    expect(error).toMatchObject({ code: "ECONNREFUSED" });

    expect(problem(error, url).split("\n")).toEqual([
      `No database server: nothing listens at 127.0.0.1:${closedPort} (connection refused).`,
      `DATABASE_URL (from .env): mysql://root:***@127.0.0.1:${closedPort}/auth_api`,
      "To fix it, one of:",
      `  - start MySQL or MariaDB listening at 127.0.0.1:${closedPort}`,
      "  - npm run db:up         MySQL 8.4 in Docker on 127.0.0.1:3307, its DATABASE_URL written to .env",
      "  - put the DATABASE_URL of a MySQL or MariaDB you can use into .env",
    ]);
  });

  it("a URL from the shell: says so, and that the shell's wins over .env", async () => {
    const url = `mysql://root:${PASSWORD}@127.0.0.1:${closedPort}/auth_api`;
    const message = problem(await failureOf(url), url, "the shell");
    expect(message).toContain(`DATABASE_URL (from the shell): mysql://root:***@127.0.0.1:${closedPort}/auth_api`);
    expect(message).toContain("into .env, and leave it out of the shell (the shell's wins)");
  });

  it("a server that never greets: timed out after the URL's connectTimeout", async () => {
    const url = `mysql://root:${PASSWORD}@127.0.0.1:${silentPort}/auth_api`;
    const error = await failureOf(`${url}?connectTimeout=300`);
    expect(error).toMatchObject({ code: "ETIMEDOUT" });

    const message = problem(error, `${url}?connectTimeout=300`);
    expect(message).toMatch(new RegExp(`^No database server: no answer from 127\\.0\\.0\\.1:${silentPort} within 0\\.3 s \\(timed out\\)\\.\n`));
    expect(message).toContain("npm run db:up");
  });

  it.each([["ENOTFOUND"], ["EAI_AGAIN"]])("an unknown host (%s): correct the host, or npm run db:up", (code) => {
    const url = `mysql://root:${PASSWORD}@db.example.invalid:3306/auth_api`;
    const message = problem(driverError(code), url);
    expect(message).toMatch(new RegExp(`^No database server: the host 'db\\.example\\.invalid' is not found \\(${code}\\)\\.\n`));
    expect(message).toContain("correct the host in DATABASE_URL in .env");
    expect(message).toContain("npm run db:up");
  });

  it.each([
    ["ER_ACCESS_DENIED_ERROR", 1045, `mysql://auth:${PASSWORD}@127.0.0.1:3306/auth_api`, "with"],
    ["ER_ACCESS_DENIED_NO_PASSWORD_ERROR", 1698, "mysql://root@127.0.0.1:3306/auth_api", "without"],
  ])("a refused login (%s): names the user, and the fixes for a wrong password or a socket-only root", (code, errno, url, withOrWithout) => {
    const message = problem(driverError(code, errno), url);
    const user = new URL(url).username;
    expect(message.split("\n")[0]).toBe(`The database server at 127.0.0.1:3306 refuses user '${user}' (access denied, ${withOrWithout} a password).`);
    expect(message).toContain("correct the user or password in DATABASE_URL in .env");
    expect(message).toContain("sudo mysql");
  });

  it("a user without rights on the database: the GRANT to run", () => {
    const url = `mysql://auth:${PASSWORD}@127.0.0.1:3307/other_db`;
    const message = problem(driverError("ER_DBACCESS_DENIED_ERROR", 1044), url);
    expect(message.split("\n")[0]).toBe("User 'auth' may not use or create the database 'other_db' at 127.0.0.1:3307 (access denied).");
    expect(message).toContain("GRANT ALL ON `other_db`.* TO 'auth'@'%'");
  });

  it("a missing database: the command that creates it", () => {
    const message = problem(driverError("ER_BAD_DB_ERROR", 1049), "mysql://root@127.0.0.1:3306/auth_api");
    expect(message).toContain("npm run db:migrate -- --create-database");
  });

  it("has nothing to add to other errors, to an error without a code, or to a URL it cannot read", () => {
    const url = "mysql://root@127.0.0.1:3306/auth_api";
    expect(describeDatabaseProblem(driverError("ER_PARSE_ERROR", 1064), { url, source: ".env" })).toBeUndefined();
    expect(describeDatabaseProblem(new Error("no code"), { url, source: ".env" })).toBeUndefined();
    expect(describeDatabaseProblem("a string", { url, source: ".env" })).toBeUndefined();
    expect(describeDatabaseProblem(driverError("ECONNREFUSED"), { url: "https://x", source: ".env" })).toBeUndefined();
  });
});
