import { execFileSync } from "node:child_process";
import { spreadOf, type Spread } from "./stats.ts";

// A cold init as Lambda's Node.js runtime has it: a fresh process that imports the handler's
// module. Timed inside that process, around the import: node's own start is not counted, and
// the time is not the difference of two noisy process timings (measured here: the same bundle's
// import ranged 86–124 ms in-process, 72–156 ms as wall time minus a bare start). Rounds
// interleave every bundle and a bare `node` start, so that the machine's load falls on each alike.

// Stdout and stderr are opened first: Lambda's runtime has them open before it loads a handler,
// and a handler's first use of them (the logger's) would otherwise count their setup as its own.
const STREAMS = "process.stdout; process.stderr;";
const IMPORT = `${STREAMS} const started = performance.now(); await import(process.argv[1]); console.log(performance.now() - started);`;

function importMs(file: string): number {
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", IMPORT, file], { encoding: "utf8" }).trim());
}

function bareNodeMs(): number {
  const started = performance.now();
  execFileSync(process.execPath, ["--input-type=module", "-e", STREAMS], { stdio: "ignore" });
  return performance.now() - started;
}

/** Each file's import in a fresh process, in milliseconds; and a bare node start's wall time. */
export function coldInits(files: Record<string, string>, rounds: number): { bareNode: Spread; imports: Record<string, Spread> } {
  const bare: number[] = [];
  const imports: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    bare.push(bareNodeMs());
    for (const [name, file] of Object.entries(files)) imports[name]!.push(importMs(file));
  }
  return { bareNode: spreadOf(bare), imports: Object.fromEntries(Object.entries(imports).map(([name, values]) => [name, spreadOf(values)])) };
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
  /** Set in the process's environment, over the bench's (another ACCESS_TOKEN_ALG and its key). */
  env?: Record<string, string>;
}

/** Each route's first call in a fresh process, rounds interleaving the routes; milliseconds. */
export async function firstCalls(calls: Record<string, FirstCall>, rounds: number): Promise<Record<string, Spread>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(calls).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, call] of Object.entries(calls)) {
      // The process inherits the bench's environment: the database, the JWT keys, the bcrypt cost.
      const args = ["--input-type=module", "-e", FIRST_CALL, call.file, call.exportName, JSON.stringify(await call.event())];
      const printed = execFileSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, ...call.env } });
      const { firstCallMs, outcome } = JSON.parse(printed.trim().split("\n").pop()!) as { firstCallMs: number; outcome: unknown };
      if (outcome !== call.outcome) throw new Error(`${name}'s first call answered ${String(outcome)}, not ${call.outcome}`);
      times[name]!.push(firstCallMs);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, spreadOf(values)]));
}
