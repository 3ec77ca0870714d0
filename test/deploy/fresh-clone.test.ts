import { execFile } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

// A new user's first commands on a machine with no database: `npm start`, `npm run db:migrate`
// and `npm run db:up`, run as they run them, in a copy of the project so that this checkout's
// .env is never touched. Docker is a stand-in script on PATH (or none): the compose run itself
// cannot be tested here, what db:up does around it can.

const PASSWORD = "pw-Kx29-secret";
const project = mkdtempSync(join(tmpdir(), "auth-api-fresh-clone-"));
const dotEnv = join(project, ".env");
/** The only folder on PATH for db:up: docker is there or not, as each test says. */
const bin = join(project, "bin");
const dockerCalls = join(project, "docker-calls.log");

interface Run {
  code: number;
  output: string;
}

function run(file: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  // The test run's own DATABASE_URL left out: the shell of a new user.
  const shell = { ...process.env, DATABASE_URL: undefined };
  return new Promise((resolve) => {
    execFile(file, args, { cwd: project, env: { ...shell, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** `npm run db:up`'s script, with nothing on PATH but `bin`. */
function dbUp(env: Record<string, string> = {}): Promise<Run> {
  return run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/db-up.ts"], { PATH: bin, ...env });
}

/** A `docker` on PATH that logs its arguments and exits with the code given for them. */
function fakeDocker(codes: { version: number; up: number }): void {
  mkdirSync(bin, { recursive: true });
  const docker = join(bin, "docker");
  writeFileSync(
    docker,
    `#!/bin/sh\necho "$*" >> '${dockerCalls}'\ncase "$*" in\n  "compose version") exit ${codes.version} ;;\n  *) exit ${codes.up} ;;\nesac\n`,
  );
  chmodSync(docker, 0o755);
}

const dotEnvValues = () => parseEnv(readFileSync(dotEnv, "utf8"));

/** The DATABASE_URL docker-compose.yml implies: its user, password, database and host port. */
function composeDatabaseUrl(): string {
  const compose = readFileSync("docker-compose.yml", "utf8");
  const setting = (name: string) => new RegExp(`^\\s+${name}: (\\S+)$`, "m").exec(compose)?.[1];
  const hostPort = /^\s+- "127\.0\.0\.1:(\d+):3306"$/m.exec(compose)?.[1];
  return `mysql://${setting("MYSQL_USER")}:${setting("MYSQL_PASSWORD")}@127.0.0.1:${hostPort}/${setting("MYSQL_DATABASE")}?allowPublicKeyRetrieval=true`;
}

let closedPort: number;

beforeAll(async () => {
  for (const entry of ["package.json", "scripts", "lib", "prisma", ".env.example", "docker-compose.yml"]) {
    cpSync(entry, join(project, entry), { recursive: true });
  }
  symlinkSync(join(process.cwd(), "node_modules"), join(project, "node_modules"), "dir");
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  for (const path of [dotEnv, bin, dockerCalls]) rmSync(path, { recursive: true, force: true });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe("npm start with no database at DATABASE_URL", () => {
  it("says in one screen what to do, names the URL without its password, exits 1, and keeps the URL in .env", async () => {
    const url = `mysql://root:${PASSWORD}@127.0.0.1:${closedPort}/auth_api`;
    const start = await run("npm", ["start"], { DATABASE_URL: url });

    expect(start.code).toBe(1);
    expect(start.output).toContain("created .env from .env.example with a random JWT_SECRET");
    expect(start.output).toContain(
      `.env: DATABASE_URL set to the shell's mysql://root:***@127.0.0.1:${closedPort}/auth_api (was mysql://root@127.0.0.1:3306/auth_api), so later commands use the same database`,
    );
    expect(start.output).toContain(
      [
        `No database server: nothing listens at 127.0.0.1:${closedPort} (connection refused).`,
        `DATABASE_URL (from the shell): mysql://root:***@127.0.0.1:${closedPort}/auth_api`,
        "To fix it, one of:",
        `  - start MySQL or MariaDB listening at 127.0.0.1:${closedPort}`,
        "  - npm run db:up         MySQL 8.4 in Docker on 127.0.0.1:3307, its DATABASE_URL written to .env",
      ].join("\n"),
    );
    expect(start.output).not.toContain(PASSWORD);
    expect(start.output).not.toMatch(/^\s+at /m);
    expect(start.output.trim().split("\n").length).toBeLessThanOrEqual(24);
    expect(dotEnvValues().DATABASE_URL).toBe(url);

    // The next command, from a shell without DATABASE_URL, goes to the same database.
    const migrate = await run("npm", ["run", "--silent", "db:migrate"], {});
    expect(migrate.code).toBe(1);
    expect(migrate.output).toContain(`DATABASE_URL (from .env): mysql://root:***@127.0.0.1:${closedPort}/auth_api`);
  });
});

describe("npm run db:up", () => {
  it("without docker says so in one line, with what to do instead, and writes no .env", async () => {
    const up = await dbUp();

    expect(up.code).toBe(1);
    expect(up.output.trim()).toBe(
      "db:up: docker is not installed (not on PATH): install Docker Desktop or Docker Engine with its compose plugin (https://docs.docker.com/get-docker/), or start MySQL or MariaDB yourself and put its DATABASE_URL into .env",
    );
    expect(existsSync(dotEnv)).toBe(false);
  });

  it("with a docker lacking Compose v2 says so, and runs nothing else", async () => {
    fakeDocker({ version: 1, up: 0 });
    const up = await dbUp();

    expect(up.code).toBe(1);
    expect(up.output).toContain("db:up: docker is installed without Docker Compose v2 (`docker compose`)");
    expect(readFileSync(dockerCalls, "utf8")).toBe("compose version\n");
    expect(existsSync(dotEnv)).toBe(false);
  });

  it("after the compose MySQL is up, points .env's DATABASE_URL at it and keeps every other line", async () => {
    fakeDocker({ version: 0, up: 0 });
    const mine = "# my own settings\nJWT_SECRET=my-own-secret-0123456789-0123456789\nCORS_ORIGINS=http://localhost:5173\nDATABASE_URL=mysql://root@127.0.0.1:3306/auth_api\n";
    writeFileSync(dotEnv, mine);

    const up = await dbUp();

    expect(up.code, up.output).toBe(0);
    expect(readFileSync(dockerCalls, "utf8")).toBe("compose version\ncompose up -d --wait\n");
    expect(readFileSync(dotEnv, "utf8")).toBe(mine.replace("mysql://root@127.0.0.1:3306/auth_api", composeDatabaseUrl()));
    expect(up.output).toContain("db:up: MySQL 8.4 is up at 127.0.0.1:3307; .env has DATABASE_URL=mysql://auth:***@127.0.0.1:3307/auth_api. Next: npm start");
  });

  it("on a fresh clone creates .env with a random JWT_SECRET and the compose DATABASE_URL", async () => {
    fakeDocker({ version: 0, up: 0 });
    const up = await dbUp();

    expect(up.code, up.output).toBe(0);
    expect(dotEnvValues()).toMatchObject({ DATABASE_URL: composeDatabaseUrl(), JWT_SECRET: expect.stringMatching(/^[\w-]{64}$/) as string });
  });

  it("leaves .env as it was when the compose run fails", async () => {
    fakeDocker({ version: 0, up: 1 });
    writeFileSync(dotEnv, "DATABASE_URL=mysql://root@127.0.0.1:3306/auth_api\n");

    const up = await dbUp();

    expect(up.code).toBe(1);
    expect(up.output).toContain("db:up: `docker compose up -d --wait` failed (see above; is the Docker engine running?); .env is unchanged");
    expect(readFileSync(dotEnv, "utf8")).toBe("DATABASE_URL=mysql://root@127.0.0.1:3306/auth_api\n");
  });
});
