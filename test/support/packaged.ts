import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import JSZip from "jszip";

// `sls package --stage prod` and the zips it makes, for the deployment test and the cold-start bench.

/** `params` are passed as `--param="name=value"`, as an operator overrides a stage's params. */
export function packageProdStage(packageDir: string, env: Record<string, string>, params: Record<string, string> = {}): Promise<void> {
  const paramFlags = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["node_modules/osls/bin/serverless.js", "package", "--stage", "prod", "--package", packageDir, ...paramFlags],
      { env: { ...process.env, ...env }, timeout: 170_000 },
      (error, stdout, stderr) => {
        // The package removes its stage's build folder (<work folder>/prod), not the one above it.
        if (env.ESBUILD_WORK_FOLDER) rmSync(env.ESBUILD_WORK_FOLDER, { recursive: true, force: true });
        if (error) reject(new Error(`sls package failed:\n${stdout}\n${stderr}`));
        else resolve();
      },
    ),
  );
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
