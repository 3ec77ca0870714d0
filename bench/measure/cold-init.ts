import { execFileSync } from "node:child_process";
import { spreadOf, type Spread } from "./stats.ts";

// A cold init as Lambda's Node.js runtime has it: a fresh process that imports the handler's
// module. Each is measured as the wall time of `node` importing the bundle minus that of a bare
// `node` start in the same round, rounds interleaving every bundle, so that the machine's load
// falls on each alike.

const IMPORT = "await import(process.argv[1]);";
const BARE = "";

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
