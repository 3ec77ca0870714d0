import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { extractZip, packageProdStage } from "../../test/support/packaged.ts";
import { onCleanUp } from "./cleanup.ts";

// What is measured is what ships: `sls package --stage prod`, each zip unpacked as Lambda lays it
// out in /var/task. Beside them, the empty handler, bundled the way serverless.yml bundles ours.

export interface Artifact {
  /** The function's name in serverless.yml. */
  name: string;
  zipBytes: number;
  /** The handler's bundle, the JavaScript V8 compiles at a cold start. */
  bundleBytes: number;
  /** The unpacked handler file. */
  handlerFile: string;
  /** The bundle's SHA-256: functions that share a bundle (the four boards) share it. */
  digest: string;
}

function bundleAt(handlerFile: string): Pick<Artifact, "handlerFile" | "bundleBytes" | "digest"> {
  const code = readFileSync(handlerFile);
  return { handlerFile, bundleBytes: code.length, digest: createHash("sha256").update(code).digest("hex") };
}

/** The functions packaged from `checkout` (this one, or a baseline's), unpacked under `work`. */
export async function packagedFunctions(work: string, checkout = process.cwd()): Promise<Artifact[]> {
  const packageDir = join(work, "package");
  await packageProdStage(packageDir, { CORS_ORIGINS: "https://app.example.com", ESBUILD_WORK_FOLDER: ".esbuild-bench" }, {}, checkout);
  const artifacts: Artifact[] = [];
  for (const zipName of readdirSync(packageDir).filter((name) => name.endsWith(".zip")).sort()) {
    const name = zipName.replace(/\.zip$/, "");
    const root = join(work, name);
    const handler = (await extractZip(join(packageDir, zipName), root)).find((file) => file.endsWith(".mjs"));
    if (!handler) throw new Error(`${zipName} holds no .mjs handler`);
    artifacts.push({ name, zipBytes: statSync(join(packageDir, zipName)).size, ...bundleAt(join(root, handler)) });
  }
  return artifacts;
}

/** A handler that does nothing, bundled with serverless.yml's esbuild options: the floor of a cold init. */
/** How serverless.yml's esbuild settings build a handler: one minified ESM file that may require(). */
const HANDLER_BUILD = {
  bundle: true,
  minify: true,
  platform: "node",
  target: "node22",
  format: "esm",
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "silent",
} as const;

export async function emptyHandler(work: string): Promise<Artifact> {
  const source = join(work, "empty-handler.ts");
  const handlerFile = join(work, "empty-handler.mjs");
  writeFileSync(source, "export const handler = async () => ({ statusCode: 200, body: '' });\n");
  await build({
    entryPoints: [source],
    outfile: handlerFile,
    ...HANDLER_BUILD,
  });
  return { name: "(empty handler)", zipBytes: 0, ...bundleAt(handlerFile) };
}

/**
 * What sendMail's first send loads, as a module of its own: nodemailer, bundled as serverless.yml
 * bundles it, and the SES v2 client, left out of the bundle (`@aws-sdk/*`) and imported from
 * node_modules as Lambda's runtime serves it. Its cold init less the empty handler's is the mail
 * client's cost; lib/mail/transport.ts pays it at the first send, not at the sender's import.
 */
export async function mailClient(work: string): Promise<Artifact> {
  const folder = join(work, "mail-client");
  mkdirSync(folder, { recursive: true });
  symlinkSync(resolve("node_modules"), join(folder, "node_modules"));
  const handlerFile = join(folder, "mail-client.mjs");
  await build({
    stdin: {
      contents: "await import('nodemailer'); await import('@aws-sdk/client-sesv2'); export const handler = async () => ({ statusCode: 200, body: '' });\n",
      resolveDir: process.cwd(),
      loader: "ts",
    },
    outfile: handlerFile,
    ...HANDLER_BUILD,
    mainFields: ["module", "main"],
    external: ["@aws-sdk/*"],
  });
  return { name: "(mail client)", zipBytes: 0, ...bundleAt(handlerFile) };
}

/**
 * The functions as an earlier commit packaged them, for a before-and-after in one run: `ref` is
 * checked out beside this checkout (sharing its node_modules), its Prisma client generated and
 * its prod stage packaged.
 */
export async function baselineFunctions(ref: string, work: string): Promise<Artifact[]> {
  const checkout = join(work, "baseline-checkout");
  // A worktree an interrupted run could not remove is forgotten first.
  execFileSync("git", ["worktree", "prune"], { stdio: "ignore" });
  execFileSync("git", ["worktree", "add", "--detach", checkout, ref], { stdio: "ignore" });
  const removeWorktree = onCleanUp(() => execFileSync("git", ["worktree", "remove", "--force", checkout], { stdio: "ignore" }));
  try {
    symlinkSync(resolve("node_modules"), join(checkout, "node_modules"));
    execFileSync(process.execPath, [resolve("node_modules/prisma/build/index.js"), "generate"], {
      cwd: checkout,
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath },
      stdio: "ignore",
    });
    const unpacked = join(work, "baseline");
    mkdirSync(unpacked, { recursive: true });
    return await packagedFunctions(unpacked, checkout);
  } finally {
    await removeWorktree();
  }
}
