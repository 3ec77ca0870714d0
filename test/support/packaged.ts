import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import JSZip from "jszip";

// `sls package --stage prod` and the zips it makes, for the deployment test and the cold-start bench.

export interface SlsRun {
  code: number;
  output: string;
}

/**
 * serverless-esbuild zips each function from a scratch folder in the system's temporary folder,
 * `<function>-<pid>-<ms>-<hex>`, and leaves it there: about 30 MB per packaging.
 */
function removeZipScratch(pid: number | undefined): void {
  if (pid === undefined) return;
  const scratch = new RegExp(`^[\\w.-]+-${pid}-\\d+-[0-9a-f]{8}$`);
  for (const name of readdirSync(tmpdir()).filter((entry) => scratch.test(entry))) {
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * What the deploy guard (plugins/deploy-guard.js) asks of a deployed stage's shell: its browser
 * origins, its mail sender and that sender's SES identity.
 */
export const DEPLOYED_STAGE_ENV = {
  CORS_ORIGINS: "https://app.example.com",
  MAIL_FROM: "Example <no-reply@mail.example.com>",
  MAIL_IDENTITY: "mail.example.com",
};

/**
 * Runs the project's `sls` with `args`, never with AWS credentials (so nothing can be deployed,
 * and a package shows that it needs none), in a deployed stage's shell (DEPLOYED_STAGE_ENV)
 * unless `env` says otherwise. A variable given as undefined in `env` is left out of the
 * command's environment.
 */
export function sls(args: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()): Promise<SlsRun> {
  const noCredentials = {
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(cwd, "node_modules/osls/bin/serverless.js"), ...args],
      { cwd, env: { ...process.env, ...DEPLOYED_STAGE_ENV, ...env, ...noCredentials }, timeout: 170_000 },
      (error, stdout, stderr) => {
        removeZipScratch(child.pid);
        resolve({ code: error ? Number(error.code) || 1 : 0, output: `${stdout}\n${stderr}` });
      },
    );
    // `sls invoke` reads an event from a piped stdin until it closes.
    child.stdin?.end();
  });
}

/**
 * `params` are passed as `--param="name=value"`, as an operator overrides a stage's params;
 * `checkout` is the service's folder (another checkout of the project, for a bench's baseline).
 */
export async function packageProdStage(packageDir: string, env: Record<string, string>, params: Record<string, string> = {}, checkout = process.cwd()): Promise<void> {
  const paramFlags = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
  const run = await sls(["package", "--stage", "prod", "--package", packageDir, ...paramFlags], env, checkout);
  // The package removes its stage's build folder (<work folder>/prod), not the one above it.
  if (env.ESBUILD_WORK_FOLDER) rmSync(join(checkout, env.ESBUILD_WORK_FOLDER), { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`sls package failed:\n${run.output}`);
}

/** Writes the zip's files under `targetDir`, as Lambda lays them out in /var/task; returns their names. */
export async function extractZip(zipPath: string, targetDir: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const names: string[] = [];
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    mkdirSync(dirname(join(targetDir, name)), { recursive: true });
    writeFileSync(join(targetDir, name), await entry.async("nodebuffer"));
    names.push(name);
  }
  return names;
}
