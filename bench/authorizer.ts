// What the JWT authorizer and a board cost, from the packaged zips (`sls package --stage prod`):
// - warm: one call of each handler with API Gateway's own event (a TOKEN event with a valid token;
//   a REST event carrying the authorizer's context), against one raw HMAC-SHA256 check of the same
//   token with node:crypto, and jsonwebtoken's verify given a cached KeyObject for reference; all
//   interleaved in one run, in this process, on the bundles Lambda would load;
// - cold: each bundle's import in fresh Node processes, interleaved with a process importing an
//   empty module, whose time is subtracted;
// - each zip's size.
// Compare the figures of one run, above all the ratio: this machine is shared and noisy.
//   npm run bench:authorizer
//   PACKAGE_DIR=<a folder of `sls package --package`> npm run bench:authorizer   (no packaging)
import { execFileSync } from "node:child_process";
import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayTokenAuthorizerEvent, Context } from "aws-lambda";
import jwt from "jsonwebtoken";
import { keyIdOf } from "../lib/auth/key-ring.ts";
import { httpEvent, lambdaContext, tokenAuthorizerEvent } from "../test/support/lambda-events.ts";
import { extractZip, packageProdStage } from "../test/support/packaged.ts";

export interface Spread {
  medianUs: number;
  p99Us: number;
}

export interface ColdInit {
  zipKb: number;
  /** Wall time of a fresh process importing the bundle, minus one importing an empty module. */
  wallMs: number;
  /** The bundle's import() as timed inside that process. */
  importMs: number;
}

export interface AuthorizerFigures {
  rounds: number;
  coldRuns: number;
  warm: { rawHmac: Spread; jsonwebtokenKeyObject: Spread; authorizer: Spread; board: Spread };
  /** The authorizer's warm median over the raw HMAC check's: the target is 3 at most. */
  authorizerOverRaw: number;
  cold: { authorizer: ColdInit; board: ColdInit };
}

export interface BenchOptions {
  /** The output of `sls package --stage prod --package <dir>`; packaged afresh when not given. */
  packageDir?: string;
  rounds?: number;
  coldRuns?: number;
}

const SECRET = "bench-jwt-key-bench-jwt-key-bench-jwt-key-0123456789";
const ISSUER = "serverless-auth-api";
/** The admin board: its answer needs the caller and a role check, the most any board does. */
const BOARD_ZIP = "adminBoard.zip";
const BOARD_EXPORT = "adminBoard";
const WARM_UP_ROUNDS = 500;

type Authorizer = (event: APIGatewayTokenAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;
type Board = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

function spread(samplesNs: number[]): Spread {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))]! / 1000;
  return { medianUs: at(0.5), p99Us: at(0.99) };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** A token as signin issues it: HS256, the key's id, our issuer and audience. */
function accessToken(): string {
  return jwt.sign({ username: "mona", roles: ["user", "moderator", "admin"] }, SECRET, {
    algorithm: "HS256",
    keyid: keyIdOf(SECRET),
    subject: "42",
    issuer: ISSUER,
    audience: ISSUER,
    expiresIn: 900,
  });
}

/**
 * The baseline: the signature of `token` checked with node:crypto and nothing else, with a key
 * object made once, as the authorizer's key ring keeps one (a string key costs more per HMAC).
 */
function rawHmacCheck(token: string, key: ReturnType<typeof createSecretKey>): () => void {
  return () => {
    const dot = token.lastIndexOf(".");
    const expected = Buffer.from(createHmac("sha256", key).update(token.slice(0, dot)).digest("base64url"));
    const given = Buffer.from(token.slice(dot + 1));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("raw check refused the token");
  };
}

async function timed(run: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started);
}

async function warmFigures(authorizer: Authorizer, board: Board, rounds: number): Promise<AuthorizerFigures["warm"]> {
  const token = accessToken();
  const key = createSecretKey(Buffer.from(SECRET));
  const verifyOptions: jwt.VerifyOptions = { algorithms: ["HS256"], issuer: ISSUER, audience: ISSUER };
  const tokenEvent = tokenAuthorizerEvent(`Bearer ${token}`, "GET/api/test/admin");
  const authorizerContext = lambdaContext("authorizer");
  const boardContext = lambdaContext("adminBoard");
  // What API Gateway hands the board after the authorizer: its context, every value a string.
  const boardEvent = () => httpEvent({ path: "/api/test/admin", headers: { Origin: "https://app.example.com" }, authorizer: { userId: "42", username: "mona", roles: "user,moderator,admin" } });

  const cases = {
    rawHmac: rawHmacCheck(token, key),
    jsonwebtokenKeyObject: () => jwt.verify(token, key, verifyOptions),
    authorizer: async () => {
      const result = await authorizer(tokenEvent, authorizerContext);
      if (result.principalId !== "42") throw new Error("the authorizer refused the token");
    },
  };
  const samples: Record<keyof typeof cases | "board", number[]> = { rawHmac: [], jsonwebtokenKeyObject: [], authorizer: [], board: [] };
  for (let round = -WARM_UP_ROUNDS; round < rounds; round++) {
    const measured = round >= 0;
    for (const [name, run] of Object.entries(cases) as [keyof typeof cases, () => unknown][]) {
      const ns = await timed(run);
      if (measured) samples[name].push(ns);
    }
    // A fresh event each call, made outside the timing: the chain writes into the event it gets.
    const event = boardEvent();
    let answer: APIGatewayProxyResult | undefined;
    const ns = await timed(async () => (answer = await board(event, boardContext)));
    if (answer?.statusCode !== 200) throw new Error(`the board answered ${answer?.statusCode}`);
    if (measured) samples.board.push(ns);
  }
  return {
    rawHmac: spread(samples.rawHmac),
    jsonwebtokenKeyObject: spread(samples.jsonwebtokenKeyObject),
    authorizer: spread(samples.authorizer),
    board: spread(samples.board),
  };
}

/**
 * A script importing the module named on its command line, as Lambda's runtime imports a handler:
 * with its stdout and stderr made already (Powertools' Logger takes them when it is built, which
 * would otherwise count their making, 3 to 4 ms here, as the handler's).
 */
const IMPORT_ONCE = `
void process.stdout, void process.stderr;
const started = performance.now();
const module = await import(process.argv[2]);
const ms = performance.now() - started;
if (Object.keys(module).length === 0) throw new Error("nothing exported");
console.log(ms);
`;

/** One fresh process importing `file` with `importer`: its wall time and the import's own time, in ms. */
function importOnce(importer: string, file: string): { wallMs: number; importMs: number } {
  const started = performance.now();
  const output = execFileSync(process.execPath, [importer, file], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, JWT_SECRET: SECRET, CORS_ORIGINS: "https://app.example.com" },
  });
  return { wallMs: performance.now() - started, importMs: Number(output.trim()) };
}

interface BundleFiles {
  authorizer: string;
  board: string;
  empty: string;
  importer: string;
}

function coldFigures(files: BundleFiles, zips: { authorizer: string; board: string }, runs: number): AuthorizerFigures["cold"] {
  const times = { empty: [] as number[], authorizer: [] as { wallMs: number; importMs: number }[], board: [] as { wallMs: number; importMs: number }[] };
  for (let run = 0; run < runs; run++) {
    times.empty.push(importOnce(files.importer, files.empty).wallMs);
    times.authorizer.push(importOnce(files.importer, files.authorizer));
    times.board.push(importOnce(files.importer, files.board));
  }
  const bare = median(times.empty);
  const of = (name: "authorizer" | "board"): ColdInit => ({
    zipKb: statSync(zips[name]).size / 1024,
    wallMs: median(times[name].map((time) => time.wallMs)) - bare,
    importMs: median(times[name].map((time) => time.importMs)),
  });
  return { authorizer: of("authorizer"), board: of("board") };
}

export async function measureAuthorizer(options: BenchOptions = {}): Promise<AuthorizerFigures> {
  const rounds = options.rounds ?? 5000;
  const coldRuns = options.coldRuns ?? 21;
  const work = mkdtempSync(join(tmpdir(), "auth-api-bench-authorizer-"));
  try {
    const packageDir = options.packageDir ?? join(work, "package");
    if (!options.packageDir) await packageProdStage(packageDir, { CORS_ORIGINS: "https://app.example.com", ESBUILD_WORK_FOLDER: ".esbuild-bench-authorizer" });
    const zips = { authorizer: join(packageDir, "authorizer.zip"), board: join(packageDir, BOARD_ZIP) };
    await extractZip(zips.authorizer, join(work, "authorizer"));
    await extractZip(zips.board, join(work, "board"));
    const files: BundleFiles = {
      authorizer: join(work, "authorizer", "functions", "authorizer.mjs"),
      board: join(work, "board", "functions", "boards.mjs"),
      empty: join(work, "empty.mjs"),
      importer: join(work, "import-once.mjs"),
    };
    writeFileSync(files.empty, "export const handler = () => undefined;\n");
    writeFileSync(files.importer, IMPORT_ONCE);

    const cold = coldFigures(files, zips, coldRuns);
    // The settings a deployed container reads, before the bundles read them.
    Object.assign(process.env, { JWT_SECRET: SECRET, CORS_ORIGINS: "https://app.example.com" });
    const { handler: authorizer } = (await import(pathToFileURL(files.authorizer).href)) as { handler: Authorizer };
    const board = ((await import(pathToFileURL(files.board).href)) as Record<string, Board>)[BOARD_EXPORT]!;
    const warm = await warmFigures(authorizer, board, rounds);
    return { rounds, coldRuns, warm, authorizerOverRaw: warm.authorizer.medianUs / warm.rawHmac.medianUs, cold };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function printFigures(figures: AuthorizerFigures): void {
  const { warm, cold } = figures;
  const row = (label: string, { medianUs, p99Us }: Spread) =>
    `  ${label.padEnd(38)} ${medianUs.toFixed(1).padStart(7)} µs median ${p99Us.toFixed(1).padStart(8)} µs p99`;
  console.log(`warm, one call each, ${figures.rounds} interleaved rounds:`);
  console.log(row("raw HMAC-SHA256 check (node:crypto)", warm.rawHmac));
  console.log(row("jsonwebtoken verify, cached KeyObject", warm.jsonwebtokenKeyObject));
  console.log(row("authorizer handler, TOKEN event", warm.authorizer));
  console.log(row(`${BOARD_EXPORT} handler, REST event`, warm.board));
  console.log(`  authorizer / raw HMAC: ${figures.authorizerOverRaw.toFixed(2)} (median over median)`);
  console.log(`cold init, median of ${figures.coldRuns} interleaved fresh processes (minus one importing an empty module):`);
  for (const [label, figure] of [["authorizer.zip", cold.authorizer], [BOARD_ZIP, cold.board]] as const) {
    console.log(`  ${label.padEnd(18)} ${figure.zipKb.toFixed(1).padStart(5)} KB zip ${figure.wallMs.toFixed(1).padStart(6)} ms  (import() inside: ${figure.importMs.toFixed(1)} ms)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printFigures(
    await measureAuthorizer({
      packageDir: process.env.PACKAGE_DIR,
      rounds: process.env.ROUNDS ? Number(process.env.ROUNDS) : undefined,
      coldRuns: process.env.COLD_RUNS ? Number(process.env.COLD_RUNS) : undefined,
    }),
  );
}
