import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sls } from "../support/packaged.ts";

// The artifacts `sls package` makes do not depend on what ran before it in the working tree, and
// neither the local stage nor a stage without browser origins, a mail sender or its SES identity
// can be packaged or deployed.

/** A prod package that, unlike packageProdStage, leaves the work folder: what is in it is under test. */
async function packageProd(workFolder: string, packageDir: string): Promise<void> {
  const run = await sls(["package", "--stage", "prod", "--package", packageDir], { ESBUILD_WORK_FOLDER: workFolder });
  if (run.code !== 0) throw new Error(`sls package failed:\n${run.output}`);
}

function zipsOf(packageDir: string): string[] {
  return readdirSync(packageDir)
    .filter((name) => name.endsWith(".zip"))
    .sort();
}

/**
 * The handler files of a zip: the bundles under functions/, whatever their extension. Not what a
 * bundle carries beside it, named `<bundle>.<what>` (docs.swagger-ui/swagger-ui-bundle.js).
 */
async function handlerFiles(zipPath: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  return Object.keys(zip.files).filter((name) => /^functions\/(?:[^/.]+\/)*[^/.]+\.(js|mjs|cjs)$/.test(name));
}

const workFolder = `.esbuild-test-reproducible-${process.pid}`;
const scratch = mkdtempSync(join(tmpdir(), "auth-api-reproducible-"));
const cleanPackage = join(scratch, "clean");

beforeAll(async () => {
  await packageProd(workFolder, cleanPackage);
}, 180_000);

afterAll(() => {
  rmSync(workFolder, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe("sls package", () => {
  it("makes the same zips after a local run as from a clean tree, and leaves the local run's bundles alone", async () => {
    // Prepare: a local run, as `npm start` or `sls invoke local` leaves it.
    const local = await sls(["invoke", "local", "--stage", "dev", "-f", "publicBoard"], {
      ESBUILD_WORK_FOLDER: workFolder,
      JWT_SECRET: "a-local-secret-for-this-test-only-0123456789",
    });
    expect(local.output).toContain("Public Content.");
    const localBundles = readdirSync(join(workFolder, "dev", ".build", "functions"));
    expect(localBundles).toContain("boards.js");

    // Act
    const afterLocalRun = join(scratch, "after-local-run");
    await packageProd(workFolder, afterLocalRun);

    // Assess
    expect(zipsOf(afterLocalRun)).toEqual(zipsOf(cleanPackage));
    for (const zip of zipsOf(cleanPackage)) {
      expect(readFileSync(join(afterLocalRun, zip)).equals(readFileSync(join(cleanPackage, zip))), zip).toBe(true);
    }
    // A server started by `npm start` still has the bundles it serves.
    expect(readdirSync(join(workFolder, "dev", ".build", "functions"))).toEqual(localBundles);
  }, 180_000);

  it("ships exactly one handler file per zip, even with stale bundles in its own work folder", async () => {
    // Prepare: what one shared work folder held before, the dev stage's `.js` next to where the
    // prod build goes (also what a failed package or a renamed function leaves).
    const stale = join(workFolder, "prod", ".build", "functions");
    mkdirSync(stale, { recursive: true });
    for (const name of ["boards.js", "signin.js", "authorizer.cjs"]) {
      writeFileSync(join(stale, name), 'export const handler = async () => "stale build";\n');
    }

    // Act
    const withStale = join(scratch, "with-stale");
    await packageProd(workFolder, withStale);

    // Assess
    for (const zip of zipsOf(withStale)) {
      const files = await handlerFiles(join(withStale, zip));
      expect(files, zip).toHaveLength(1);
      expect(files[0], zip).toMatch(/\.mjs$/);
      expect(readFileSync(join(withStale, zip)).equals(readFileSync(join(cleanPackage, zip))), zip).toBe(true);
    }
  }, 180_000);
});

describe("the local stage", () => {
  const devPackage = join(scratch, "dev-package");
  it.each([
    ["sls package --stage dev", ["package", "--stage", "dev", "--package", devPackage]],
    ["sls deploy --stage dev", ["deploy", "--stage", "dev"]],
    ["sls deploy, whose default stage is dev", ["deploy"]],
    // Deploys a package made earlier, without packaging.
    ["sls deploy --stage dev --package <dir>", ["deploy", "--stage", "dev", "--package", cleanPackage]],
  ])("refuses %s, naming the way to deploy", async (_, args) => {
    const run = await sls(args, { ESBUILD_WORK_FOLDER: workFolder });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('The "dev" stage is the local one');
    expect(run.output).toContain("sls deploy --stage staging");
    expect(run.output).toContain("docs/deploy.md");
    expect(existsSync(devPackage)).toBe(false);
  });
});

describe("a deployed stage", () => {
  it("is not packaged without browser origins, and the message says where to give them", async () => {
    const packageDir = join(scratch, "no-origins");
    const run = await sls(["package", "--stage", "staging", "--package", packageDir], { ESBUILD_WORK_FOLDER: workFolder, CORS_ORIGINS: "" });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('The "staging" stage names no browser origins: set CORS_ORIGINS=https://app.example.com');
    expect(run.output).toContain("params.staging.corsOrigins");
    expect(existsSync(packageDir)).toBe(false);
  });

  it.each([
    [
      "without an SES identity",
      { MAIL_IDENTITY: undefined },
      ['The "staging" stage names no Amazon SES identity', "MAIL_IDENTITY=example.com", "params.staging.mailIdentity"],
    ],
    [
      "without a mail sender",
      { MAIL_FROM: "" },
      ['The "staging" stage names no mail sender: set MAIL_FROM=', "an address of the SES identity mail.example.com", "params.staging.mailFrom"],
    ],
    [
      "with a wildcard for an identity, which would let the role send from any",
      { MAIL_IDENTITY: "*" },
      ["SES identity (MAIL_IDENTITY or params.staging.mailIdentity) must be a domain", "no wildcard"],
    ],
    [
      "with a sender of another domain",
      { MAIL_FROM: "Example <no-reply@example.org>" },
      ["MAIL_FROM (or params.staging.mailFrom) is not an address of its SES identity mail.example.com", "Send from an address @mail.example.com"],
    ],
    [
      "with a sender of a subdomain of the identity",
      { MAIL_FROM: "no-reply@eu.mail.example.com" },
      ["is not an address of its SES identity mail.example.com"],
    ],
    [
      "with another address than the address identity",
      { MAIL_FROM: "Example <support@mail.example.com>", MAIL_IDENTITY: "no-reply@mail.example.com" },
      ["is not an address of its SES identity no-reply@mail.example.com", "Send from no-reply@mail.example.com itself"],
    ],
  ] as const)("is not packaged %s, and the message says what to set", async (_, env, says) => {
    // Prepare
    const packageDir = join(scratch, "mail-refused");

    // Act
    const run = await sls(["package", "--stage", "staging", "--package", packageDir], { ESBUILD_WORK_FOLDER: workFolder, ...env });

    // Assess
    expect(run.code).not.toBe(0);
    for (const words of says) expect(run.output).toContain(words);
    expect(run.output).toContain("docs/deploy.md#mail-with-amazon-ses");
    expect(existsSync(packageDir)).toBe(false);
  });

  it("needs no origins for commands that package nothing", async () => {
    const run = await sls(["print", "--stage", "staging", "--path", "provider.logRetentionInDays"], { CORS_ORIGINS: "" });
    expect(run).toMatchObject({ code: 0 });
    expect(run.output.trim().split("\n")[0]).toBe("30");
  });
});
