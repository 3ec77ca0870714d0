import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sls } from "../support/packaged.ts";

// A .env written for the local stage (`npm start`) reaches no other stage: not its origins past
// the deploy guard, nor any other value into the template. Packaged from a copy of the service
// with a .env of its own, so that the e2e runs in this checkout never see that .env.

const DOT_ENV = {
  JWT_SECRET: "dotenv-only-secret-0123456789-0123456789-abcdef",
  DATABASE_URL: "mysql://dotenv-only:password@dotenv-only.invalid:3306/auth_api",
  CORS_ORIGINS: "http://dotenv-only.invalid",
  ACCESS_TOKEN_TTL: "987651",
  REFRESH_TOKEN_TTL: "987652",
  BCRYPT_COST: "13",
  REFRESH_TOKEN_ROTATION: "keep",
  REFRESH_TOKEN_REUSE_INTERVAL: "17",
};
const ORIGIN = "https://app.example.com";

const service = mkdtempSync(join(tmpdir(), "auth-api-dotenv-"));
const packageDir = join(service, "package");
/** No variable of .env set in the shell: .env is all there is. */
const shell = Object.fromEntries(Object.keys(DOT_ENV).map((name) => [name, undefined]));

beforeAll(() => {
  for (const entry of ["serverless.yml", "resources", "package.json", "tsconfig.json", "openapi.json", "plugins", "functions", "lib", "prisma"]) {
    cpSync(entry, join(service, entry), { recursive: true });
  }
  symlinkSync(join(process.cwd(), "node_modules"), join(service, "node_modules"), "dir");
  writeFileSync(
    join(service, ".env"),
    Object.entries(DOT_ENV)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(""),
  );
});

afterAll(() => {
  rmSync(service, { recursive: true, force: true });
});

describe("a .env beside serverless.yml", () => {
  it("does not give a deployed stage its origins: the deploy guard still refuses", async () => {
    const run = await sls(["package", "--stage", "prod", "--package", packageDir], shell, service);

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('The "prod" stage names no browser origins');
    expect(existsSync(packageDir)).toBe(false);
  });

  it("puts none of its values into a deployed stage's template", async () => {
    const run = await sls(["package", "--stage", "prod", "--package", packageDir, `--param=corsOrigins=${ORIGIN}`], shell, service);
    expect(run.code, run.output).toBe(0);

    const template = readFileSync(join(packageDir, "cloudformation-template-update-stack.json"), "utf8");
    // Values long enough not to turn up by chance (in a hash, say); the short ones are checked below.
    for (const value of Object.values(DOT_ENV).filter((v) => v.length > 4)) expect(template).not.toContain(value);
    const functions = Object.values(JSON.parse(template).Resources as Record<string, { Type: string; Properties: { Environment?: { Variables: Record<string, unknown> } } }>).filter(
      (resource) => resource.Type === "AWS::Lambda::Function",
    );
    // Every function serverless.yml declares (`    handler:` is each one's first line).
    expect(functions).toHaveLength(readFileSync("serverless.yml", "utf8").match(/^ {4}handler: /gm)!.length);
    for (const { Properties } of functions) {
      expect(Properties.Environment?.Variables).toMatchObject({
        CORS_ORIGINS: ORIGIN,
        ACCESS_TOKEN_TTL: "900",
        REFRESH_TOKEN_TTL: "2592000",
        REFRESH_TOKEN_ROTATION: "rotate",
        REFRESH_TOKEN_REUSE_INTERVAL: "0",
        BCRYPT_COST: "10",
      });
    }
  }, 180_000);

  it("still configures the local stage, and the shell's variables win over it", async () => {
    const run = await sls(["print", "--stage", "dev", "--path", "provider.environment", "--format", "json"], { ...shell, BCRYPT_COST: "5" }, service);
    expect(run.code, run.output).toBe(0);

    const environment = JSON.parse(run.output.slice(run.output.indexOf("{"), run.output.lastIndexOf("}") + 1)) as Record<string, string>;
    expect(environment).toMatchObject({ ...DOT_ENV, BCRYPT_COST: "5" });
  });
});
