import type { JwsAlgorithm } from "../../lib/auth/jws.ts";
import type { SqlCounts } from "./sql-counts.ts";
import type { Spread } from "./stats.ts";
import type { Throughput } from "./throughput.ts";
import type { AlgorithmFigures } from "./warm.ts";

// The bench's one table, its targets (the figures of issue #8) and what they mean for a bill.

export interface FunctionFigures {
  name: string;
  memoryMb: number;
  zipBytes: number;
  bundleBytes: number;
  /** Whether the bundle carries Prisma or the database driver. */
  bundlesOrm: boolean;
  coldInitMs: Spread;
  /** The first call after the import, in the same fresh process. */
  firstCallMs?: Spread;
  warmMs?: Spread;
  sql?: SqlCounts & { statements: string };
}

export interface Report {
  date: string;
  smoke: boolean;
  plan: Record<string, number>;
  node: string;
  bcryptCost: number;
  bareNodeMs: Spread;
  emptyHandler: { bundleBytes: number; coldInitMs: Spread };
  /** nodemailer (bundled) and the SES v2 client (the runtime's), imported as sendMail's first send imports them. */
  mailClient: { bundleBytes: number; coldInitMs: Spread };
  functions: FunctionFigures[];
  /** What the stage signs with: the algorithm of the table's authorizer, signin and refresh. */
  stageAlg: JwsAlgorithm;
  /** The authorizer for each algorithm in a process of its own, and its first call in a fresh one. */
  authorizerByAlgorithm: Record<JwsAlgorithm, AlgorithmFigures & { firstCallMs: Spread }>;
  references: Record<"bcrypt compare" | "bcrypt hash", Spread>;
  throughput: Record<string, Throughput>;
  /** An earlier commit's packages, their cold inits measured in the same rounds. */
  baseline?: { ref: string; functions: Pick<FunctionFigures, "name" | "zipBytes" | "bundleBytes" | "coldInitMs" | "firstCallMs">[] };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0);

/** A duration in the unit that reads best: µs below a millisecond. */
function duration(ms: number | undefined): string {
  if (ms === undefined) return "";
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/**
 * Lambda's GB-seconds for a million calls of `ms` each at `memoryMb`: billed by the millisecond,
 * rounded up. Measured on a full core here; Lambda gives a 256 MB function about a sixth of one.
 */
export function gbSecondsPerMillion(ms: number, memoryMb: number): number {
  return (memoryMb / 1024) * (Math.ceil(ms) / 1000) * 1_000_000;
}

/** `0`, or the count and what it was: `1 (429 ×1)`; socket errors and timeouts have no status. */
function failuresInWords(t: Throughput): string {
  const statuses = Object.entries(t.failedStatuses).map(([status, count]) => `${status} ×${count}`);
  return statuses.length ? `${t.failures} (${statuses.join(", ")})` : String(t.failures);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

interface Target {
  what: string;
  figure: string;
  met: boolean;
}

function figure(report: Report, name: string): FunctionFigures {
  const found = report.functions.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no figures for ${name}`);
  return found;
}

/** The authorizer's warm median over one raw verify's of the same token, in the same rounds. */
function authorizerRatio(figures: AlgorithmFigures): number {
  return figures.authorizerMs.median / figures.rawVerifyMs.median;
}

export function targets(report: Report): Target[] {
  const byAlgorithm = report.authorizerByAlgorithm;
  const keyPairs = (["RS256", "ES256"] as const).map((alg) => ({ alg, ratio: authorizerRatio(byAlgorithm[alg]) }));
  const compare = report.references["bcrypt compare"].median;
  const hash = report.references["bcrypt hash"].median;
  const edge = ["authorizer", "publicBoard", "userBoard", "moderatorBoard", "adminBoard"].map((name) => figure(report, name));
  const credentials = ["signin", "signup", "refresh"].map((name) => figure(report, name));
  const signin = figure(report, "signin");
  const signup = figure(report, "signup");
  const list = (functions: FunctionFigures[], value: (f: FunctionFigures) => string) => functions.map((f) => `${f.name} ${value(f)}`).join(", ");
  return [
    {
      what: "authorizer warm ≤ 1.5 × raw verify, RS256 and ES256",
      figure: keyPairs.map(({ alg, ratio }) => `${alg} ${ratio.toFixed(2)} ×`).join(", "),
      met: keyPairs.every(({ ratio }) => ratio <= 1.5),
    },
    // An HMAC check costs less than what the authorizer does around any check (reading the
    // token, its claims, the policy): HS256 keeps issue #8's 3 ×, and 1.5 × is for the key pairs
    // (docs/performance.md, "The authorizer per algorithm", has the figures of npm run bench).
    {
      what: "authorizer warm ≤ 3 × raw verify, HS256",
      figure: `${authorizerRatio(byAlgorithm.HS256).toFixed(2)} ×`,
      met: authorizerRatio(byAlgorithm.HS256) <= 3,
    },
    {
      what: "authorizer and boards: 0 SQL",
      figure: list(edge, (f) => String(f.sql?.roundTrips ?? "?")),
      met: edge.every((f) => f.sql?.roundTrips === 0),
    },
    { what: "authorizer and boards: no ORM or driver bundled", figure: list(edge, (f) => (f.bundlesOrm ? "yes" : "no")), met: edge.every((f) => !f.bundlesOrm) },
    // Issue #8 asked for < 30 KB; 13 KB and 18 KB were reached, and are the bar now.
    { what: "authorizer zip < 15 KB, boards < 20 KB", figure: list(edge, (f) => `${kb(f.zipBytes)} KB`), met: edge.every((f) => f.zipBytes < (f.name === "authorizer" ? 15 : 20) * 1024) },
    {
      what: "authorizer and boards: cold init < 15 ms",
      figure: list(edge, (f) => duration(f.coldInitMs.median)),
      met: edge.every((f) => f.coldInitMs.median < 15),
    },
    {
      what: "signin, signup, refresh: cold init < 80 ms",
      figure: list(credentials, (f) => duration(f.coldInitMs.median)),
      met: credentials.every((f) => f.coldInitMs.median < 80),
    },
    {
      what: "SQL round trips: signin ≤ 3, signup ≤ 5, refresh ≤ 2",
      figure: list(credentials, (f) => String(f.sql?.roundTrips ?? "?")),
      met: credentials.every((f) => (f.sql?.roundTrips ?? Infinity) <= { signin: 3, signup: 5, refresh: 2 }[f.name as "signin"]),
    },
    {
      what: "signin warm ≤ 1.1 × bcrypt compare",
      figure: `${((signin.warmMs?.median ?? Infinity) / compare).toFixed(3)} ×`,
      met: (signin.warmMs?.median ?? Infinity) <= 1.1 * compare,
    },
    {
      what: "signup warm ≤ 1.1 × bcrypt hash + 5 ms",
      figure: `${duration(signup.warmMs?.median)} vs ${duration(1.1 * hash + 5)}`,
      met: (signup.warmMs?.median ?? Infinity) <= 1.1 * hash + 5,
    },
  ];
}

export function printReport(report: Report): void {
  const rows = [["function", "MB", "zip KB", "JS KB", "cold init", "first call", "warm median", "warm p99", "SQL round trips", "statements per request"]];
  for (const f of report.functions) {
    rows.push([
      f.name,
      String(f.memoryMb),
      kb(f.zipBytes),
      kb(f.bundleBytes),
      duration(f.coldInitMs.median),
      duration(f.firstCallMs?.median),
      duration(f.warmMs?.median),
      duration(f.warmMs?.p99),
      f.sql ? String(Number(f.sql.roundTrips.toFixed(2))) : "",
      f.sql?.statements ?? "",
    ]);
  }
  rows.push(["(empty handler)", "", "", kb(report.emptyHandler.bundleBytes), duration(report.emptyHandler.coldInitMs.median), "", "", "", "", ""]);
  rows.push([
    "(mail client: nodemailer + SES v2)",
    "",
    "",
    kb(report.mailClient.bundleBytes),
    duration(report.mailClient.coldInitMs.median),
    `+${duration(report.mailClient.coldInitMs.median - report.emptyHandler.coldInitMs.median)} at sendMail's first send`,
    "",
    "",
    "",
    "",
  ]);
  for (const [name, spread] of Object.entries(report.references)) rows.push([`(${name})`, "", "", "", "", "", duration(spread.median), duration(spread.p99), "", ""]);
  console.log(
    `\nPer function (packaged prod artifacts; ${report.node}; bcrypt cost ${report.bcryptCost}; cold init = the import of the bundle in a fresh node process, ` +
      `median of ${report.plan.coldRounds}, node's own start of ${duration(report.bareNodeMs.median)} not counted):\n`,
  );
  console.log(table(rows));

  const algorithms = [["algorithm", "authorizer warm", "raw verify", "ratio", "difference", "first call", "signAccessToken", "raw sign"]];
  for (const [alg, f] of Object.entries(report.authorizerByAlgorithm)) {
    algorithms.push([
      alg === report.stageAlg ? `${alg} (the stage's)` : alg,
      duration(f.authorizerMs.median),
      duration(f.rawVerifyMs.median),
      `${authorizerRatio(f).toFixed(2)} ×`,
      duration(f.authorizerMs.median - f.rawVerifyMs.median),
      duration(f.firstCallMs.median),
      duration(f.signAccessTokenMs.median),
      duration(f.rawSignMs.median),
    ]);
  }
  console.log(
    `\nThe authorizer per algorithm (the packaged bundle in a process of its own per algorithm, both secrets set as in a stage; ` +
      `medians of ${report.plan.fastRounds} rounds, each a call beside one raw verify of the same token with a cached key, then signAccessToken beside one raw sign; ` +
      `first call in a fresh process, median of ${report.plan.coldRounds}):\n`,
  );
  console.log(table(algorithms));

  const load = [["local stack (serverless-offline)", "requests/s", "median", "p99", "failures"]];
  for (const [route, t] of Object.entries(report.throughput)) {
    load.push([route, t.requestsPerSecond.toFixed(1), duration(t.latencyMedianMs), duration(t.latencyP99Ms), failuresInWords(t)]);
  }
  console.log(`\nThroughput, autocannon ${report.plan.loadSeconds} s × ${report.plan.connections} connections:\n`);
  console.log(table(load));

  const authorizer = figure(report, "authorizer");
  const board = figure(report, "userBoard");
  const signin = figure(report, "signin");
  const protectedMs = (authorizer.warmMs?.median ?? 0) + (board.warmMs?.median ?? 0);
  console.log("\nLambda GB-seconds per million calls (warm medians here, billed per started millisecond):");
  console.log(
    `  protected request, authorizer not cached: ${gbSecondsPerMillion(authorizer.warmMs?.median ?? 0, authorizer.memoryMb) + gbSecondsPerMillion(board.warmMs?.median ?? 0, board.memoryMb)} GB-s` +
      ` (authorizer + userBoard, ${duration(protectedMs)} of work)`,
  );
  console.log(`  signin: ${gbSecondsPerMillion(signin.warmMs?.median ?? 0, signin.memoryMb).toFixed(0)} GB-s (${duration(signin.warmMs?.median)} at ${signin.memoryMb} MB)`);

  if (report.baseline) {
    const ref = report.baseline.ref;
    const rows = [["function", `zip KB ${ref}`, "now", `cold init ${ref}`, "now", "now / then", `first call ${ref}`, "now"]];
    for (const then of report.baseline.functions) {
      const now = report.functions.find((f) => f.name === then.name);
      if (!now) continue;
      rows.push([
        then.name,
        kb(then.zipBytes),
        kb(now.zipBytes),
        duration(then.coldInitMs.median),
        duration(now.coldInitMs.median),
        (now.coldInitMs.median / then.coldInitMs.median).toFixed(2),
        duration(then.firstCallMs?.median),
        // The baseline's authorizer is given an HS256 token (an earlier commit may check no other): today's HS256 first call beside it.
        duration((then.name === "authorizer" ? report.authorizerByAlgorithm.HS256.firstCallMs : now.firstCallMs)?.median),
      ]);
    }
    console.log(`\nAgainst ${ref}, cold inits and first calls measured in the same rounds:\n`);
    console.log(table(rows));
  }

  console.log("\nTargets:");
  for (const target of targets(report)) console.log(`  ${target.met ? "met   " : "missed"}  ${target.what}: ${target.figure}`);
}
