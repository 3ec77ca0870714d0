import { execFileSync } from "node:child_process";
import { spreadOf, type Spread } from "./stats.ts";

// A cold init as Lambda's Node.js runtime has it: a fresh process that imports the handler's
// module. Each is measured as the wall time of `node` importing the bundle minus that of a bare
// `node` start in the same round, rounds interleaving every bundle, so that the machine's load
// falls on each alike.

// Both touch stdout and stderr first: Lambda's runtime has them open before it loads a handler,
// and a handler's first use of them (the logger's) would otherwise count their setup as its own.
const STREAMS = "process.stdout; process.stderr;";
const IMPORT = `${STREAMS} await import(process.argv[1]);`;
const BARE = STREAMS;

function wallMs(source: string, file?: string): number {
  const started = performance.now();
  execFileSync(process.execPath, ["--input-type=module", "-e", source, ...(file ? [file] : [])], { stdio: "ignore" });
  return performance.now() - started;
}

/** Each file's import cost over a bare node start, in milliseconds; and the bare start itself. */
export function coldInits(files: Record<string, string>, rounds: number): { bareNode: Spread; overBare: Record<string, Spread> } {
  const bare: number[] = [];
  const over: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bareMs = wallMs(BARE);
    bare.push(bareMs);
    for (const [name, file] of Object.entries(files)) over[name]!.push(wallMs(IMPORT, file) - bareMs);
  }
  return { bareNode: spreadOf(bare), overBare: Object.fromEntries(Object.entries(over).map(([name, values]) => [name, spreadOf(values)])) };
}

// A cold start as a caller meets it: the import, then the first call, in one fresh process. The
// first call of a database route opens the connection and compiles Prisma's query compiler.
const FIRST_CALL = `
const [file, exportName, eventJson] = process.argv.slice(1);
const context = { functionName: "bench", awsRequestId: "cold-1", getRemainingTimeInMillis: () => 10000 };
process.stdout; process.stderr;
const started = performance.now();
const module = await import(file);
const imported = performance.now();
const answer = await module[exportName](JSON.parse(eventJson), context);
const answered = performance.now();
const outcome = answer.statusCode ?? answer.policyDocument?.Statement?.[0]?.Effect;
console.log(JSON.stringify({ importMs: imported - started, firstCallMs: answered - imported, outcome }));
process.exit(0);
`;

export interface FirstCall {
  file: string;
  exportName: string;
  /** A new event for each fresh process (a refresh token can be spent once). */
  event: () => unknown;
  /** The status code (or the authorizer's Effect) a successful call answers. */
  outcome: number | string;
}

/** Each route's first call in a fresh process, rounds interleaving the routes; milliseconds. */
export async function firstCalls(calls: Record<string, FirstCall>, rounds: number, env: Record<string, string>): Promise<Record<string, Spread>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(calls).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, call] of Object.entries(calls)) {
      const printed = execFileSync(process.execPath, ["--input-type=module", "-e", FIRST_CALL, call.file, call.exportName, JSON.stringify(await call.event())], {
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
      const { firstCallMs, outcome } = JSON.parse(printed.trim().split("\n").pop()!) as { firstCallMs: number; outcome: unknown };
      if (outcome !== call.outcome) throw new Error(`${name}'s first call answered ${String(outcome)}, not ${call.outcome}`);
      times[name]!.push(firstCallMs);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, spreadOf(values)]));
}
