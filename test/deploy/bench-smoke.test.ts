import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../bench/measure/report.ts";

// `npm run bench -- --smoke`: the whole bench, with tiny counts, so that CI knows it still runs
// and measures every function. It asserts what the bench found, never how fast anything was.
// In the deploy project, one file at a time: the bench packages the prod stage in this checkout.

const scratch = mkdtempSync(join(tmpdir(), "auth-api-bench-smoke-"));
const resultsFile = join(scratch, "results.json");
let output = "";
let report: Report;

beforeAll(async () => {
  output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "bench/run.ts", "--smoke", "--results", resultsFile],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`the bench failed:\n${stdout}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  report = JSON.parse(readFileSync(resultsFile, "utf8")) as Report;
}, 320_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm run bench -- --smoke", () => {
  it("measures every packaged function's sizes and cold init", () => {
    const names = report.functions.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["authorizer", "signin", "signup", "refresh", "userBoard", "migrate", "createAdmin"]));
    for (const f of report.functions) {
      expect(f.zipBytes, f.name).toBeGreaterThan(0);
      expect(f.bundleBytes, f.name).toBeGreaterThan(0);
      expect(Number.isFinite(f.coldInitMs.median), f.name).toBe(true);
      expect(output).toContain(f.name);
    }
  });

  // The counters are the server's: other test files run beside this one, so only what their
  // statements cannot hide is asserted (a route's own statements; a 0 is pinned by test/db).
  it("counts SQL per request on every HTTP route", () => {
    const counted = report.functions.filter((f) => f.sql).map((f) => f.name);
    expect(counted.sort()).toEqual(
      [
        ...["adminBoard", "adminEndUserSessions", "adminListUsers", "adminSetUserRoles", "apiDescription", "authorizer", "changePassword", "docs", "me", "moderatorBoard"],
        ...["publicBoard", "refresh", "refreshtoken", "signin", "signout", "signup", "userBoard", "accountPages"],
        ...["forgotPassword", "resetPassword", "verifyEmail", "resendVerification", "changeEmail", "jwks", "openidConfiguration"],
      ].sort(),
    );
    for (const f of report.functions.filter((candidate) => candidate.sql)) expect(f.sql!.roundTrips, f.name).toBeGreaterThanOrEqual(0);
    expect(report.functions.find((f) => f.name === "signin")?.sql?.roundTrips).toBeGreaterThanOrEqual(3);
  });

  it("measures sendMail's cold init and, apart, the import of the mail client it loads at its first send", () => {
    expect(Number.isFinite(report.functions.find((f) => f.name === "sendMail")?.coldInitMs.median)).toBe(true);
    expect(report.mailClient.bundleBytes).toBeGreaterThan(0);
    expect(Number.isFinite(report.mailClient.coldInitMs.median)).toBe(true);
    expect(output).toContain("(mail client: nodemailer + SES v2)");
  });

  it("times the warm routes beside the references of the same run", () => {
    for (const name of ["authorizer", "userBoard", "publicBoard", "jwks", "openidConfiguration", "signin", "signup", "refresh"]) {
      expect(report.functions.find((f) => f.name === name)?.warmMs?.median, name).toBeGreaterThan(0);
    }
    for (const spread of Object.values(report.references)) expect(spread.median).toBeGreaterThan(0);
    expect(report.emptyHandler.bundleBytes).toBeGreaterThan(0);
  });

  it("times the authorizer for each algorithm beside its raw verify, and its first call", () => {
    expect(Object.keys(report.authorizerByAlgorithm).sort()).toEqual(["ES256", "HS256", "RS256"]);
    for (const [alg, figures] of Object.entries(report.authorizerByAlgorithm)) {
      for (const [what, spread] of Object.entries(figures)) expect(spread.median, `${alg} ${what}`).toBeGreaterThan(0);
    }
    expect(output).toContain("The authorizer per algorithm");
  });

  it("loads the local stack without a failed answer, and prints the targets", () => {
    for (const [route, figures] of Object.entries(report.throughput)) {
      expect(figures.requestsPerSecond, route).toBeGreaterThan(0);
      expect(figures.failures, `${route}: ${JSON.stringify(figures.failedStatuses)}`).toBe(0);
    }
    expect(output).toContain("Targets:");
    expect(output).toContain("GB-seconds per million");
  });
});
