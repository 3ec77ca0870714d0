import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { nodeEncodingsOnly, prismaWasmBesideBundle, SWAGGER_UI_FILES, swaggerUiBesideBundle } from "../../plugins/esbuild-plugins.js";

// The esbuild plugins serverless.yml bundles every function with, on bundles of their own.

// Inside the checkout, where the bundled packages resolve (.esbuild-* is ignored by git).
const scratch = mkdtempSync(join(process.cwd(), ".esbuild-plugins-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function bundled(name: string, source: string, plugins: Parameters<typeof build>[0]["plugins"]): Promise<string> {
  const entry = join(scratch, `${name}.mjs`);
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, source);
  const outdir = join(scratch, "out", dirname(name));
  await build({ entryPoints: [entry], outdir, bundle: true, platform: "node", format: "esm", plugins, logLevel: "silent" });
  return join(outdir, `${basename(name)}.js`);
}

const ENCODE = 'import iconv from "iconv-lite"; export const encode = (text, charset) => iconv.encode(text, charset);';

describe("node-encodings-only", () => {
  it("gives the MariaDB driver no code pages: a charset Node cannot encode gets an error that says what to use", async () => {
    // A module of the driver's package, as the importer the plugin judges by.
    const file = await bundled("node_modules/mariadb/encode", ENCODE, [nodeEncodingsOnly]);
    const { encode } = (await import(file)) as { encode: (text: string, charset: string) => Buffer };

    expect(() => encode("héllo", "cp1251")).toThrow("The database connection's charset cp1251 is not supported here: use utf8mb4");
    expect(readFileSync(file, "utf8")).not.toMatch(/shiftjis|cp936/);
  });

  it("leaves iconv-lite whole for anyone else (mysql2, the migration runner's driver, decodes utf8mb3 with it)", async () => {
    const file = await bundled("elsewhere", ENCODE, [nodeEncodingsOnly]);
    const { encode } = (await import(file)) as { encode: (text: string, charset: string) => Buffer };

    expect(encode("й", "cp1251")).toEqual(Buffer.from([0xe9]));
  });
});

describe("prisma-wasm-beside-bundle", () => {
  it("writes the query compiler beside the bundle, named after it, and the bundle reads it from there", async () => {
    const source = 'export const load = async () => (await import("@prisma/client/runtime/query_compiler_small_bg.mysql.wasm-base64.mjs")).wasm;';
    const file = await bundled("reader", source, [prismaWasmBesideBundle]);
    const { load } = (await import(file)) as { load: () => Promise<string> };

    const beside = readFileSync(join(scratch, "out", "reader.query-compiler.wasm"));
    expect(beside.subarray(0, 4).toString("latin1")).toBe("\0asm");
    expect(readFileSync(file, "utf8")).not.toContain("AGFzbQ");
    expect(Buffer.from(await load(), "base64").equals(beside)).toBe(true);
  });
});

describe("swagger-ui-beside-bundle", () => {
  type Reader = { readSwaggerUiFile: (name: string) => string; swaggerUiVersion: () => string };
  const READER = join(process.cwd(), "lib/docs-page/swagger-ui-files.ts");
  const installed = (name: string) => readFileSync(join("node_modules/swagger-ui-dist", name), "utf8");

  it("copies Swagger UI's files into a folder named after the bundle, and the bundle reads them from there", async () => {
    const file = await bundled("docs", `export * from ${JSON.stringify(READER)};`, [swaggerUiBesideBundle]);
    const { readSwaggerUiFile, swaggerUiVersion } = (await import(file)) as Reader;

    expect(readdirSync(join(scratch, "out", "docs.swagger-ui")).sort()).toEqual([...SWAGGER_UI_FILES].sort());
    for (const name of SWAGGER_UI_FILES) expect(readSwaggerUiFile(name), name).toBe(installed(name));
    expect(swaggerUiVersion()).toBe((JSON.parse(installed("package.json")) as { version: string }).version);
    // The bundle holds a reader, not the 1.7 MB script.
    expect(readFileSync(file, "utf8").length).toBeLessThan(2_000);
  });

  it("reads no file but those it copied", async () => {
    const file = await bundled("docs-other", `export * from ${JSON.stringify(READER)};`, [swaggerUiBesideBundle]);
    const { readSwaggerUiFile } = (await import(file)) as Reader;

    expect(() => readSwaggerUiFile("../docs-other.js")).toThrow("Swagger UI's ../docs-other.js is not shipped beside the bundle");
  });

  it("writes nothing beside a bundle that does not serve them", async () => {
    await bundled("plain", "export const answer = 42;", [swaggerUiBesideBundle]);

    expect(existsSync(join(scratch, "out", "plain.swagger-ui"))).toBe(false);
  });
});
