// @ts-check
// esbuild plugins for serverless-esbuild (serverless.yml custom.esbuild.plugins): what a bundle
// carries but never needs at import time is moved out of the code V8 must compile at a cold start,
// and what it never calls is left out.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, join } from "node:path";
import process from "node:process";
import { Buffer } from "node:buffer";

const require = createRequire(import.meta.url);

/**
 * Where a file or folder named after the build's bundle goes (`signin` + suffix beside
 * `signin.mjs`), so that serverless-esbuild zips it with that function alone, as it does with a
 * bundle's source map; undefined when the build wrote no bundle.
 * @param {import("esbuild").PluginBuild} build
 * @param {import("esbuild").BuildResult} result
 * @param {string} suffix
 */
function besideBundle(build, result, suffix) {
  const { outdir, entryPoints } = build.initialOptions;
  if (result.errors.length > 0 || !outdir || !Array.isArray(entryPoints)) return undefined;
  const entry = String(entryPoints[0]);
  return join(outdir, basename(entry, extname(entry)) + suffix);
}

/** JavaScript, for the bundle's code, of the URL named after the bundle that runs it (besideBundle's). */
const besideThisBundle = (/** @type {string} */ suffix) => `new URL(import.meta.url.replace(/\\.[cm]?js$/, ${JSON.stringify(suffix)}))`;

/** Prisma's query compiler (WebAssembly), which the generated client imports as a base64 string. */
const PRISMA_WASM_MODULE = /query_compiler_\w+\.mysql\.wasm-base64\.mjs$/;
const ASSET_SUFFIX = ".query-compiler.wasm";

/**
 * The query compiler as a file beside the bundle (`signin.query-compiler.wasm` beside
 * `signin.mjs`), read at the first query, instead of a 2.3 MB string literal in the bundle,
 * which V8 scanned at every cold start (about 25 ms for signin).
 * @type {import("esbuild").Plugin}
 */
export const prismaWasmBesideBundle = {
  name: "prisma-wasm-beside-bundle",
  setup(build) {
    /** @type {string | undefined} */
    let wasmBase64Module;
    build.onStart(() => {
      wasmBase64Module = undefined;
    });
    build.onResolve({ filter: PRISMA_WASM_MODULE }, (args) => {
      wasmBase64Module = require.resolve(args.path, { paths: [args.resolveDir] });
      return { path: wasmBase64Module, namespace: "prisma-wasm-file" };
    });
    build.onLoad({ filter: /.*/, namespace: "prisma-wasm-file" }, () => ({
      // The generated client wants base64 (which it decodes again): reading and encoding the 1.7 MB
      // take about 2 ms of the first query, where V8 scanned the string at every import before.
      contents: `
        import { readFileSync } from "node:fs";
        const file = ${besideThisBundle(ASSET_SUFFIX)};
        export const wasm = readFileSync(file).toString("base64");
      `,
      loader: "js",
      resolveDir: process.cwd(),
    }));
    build.onEnd(async (result) => {
      const file = besideBundle(build, result, ASSET_SUFFIX);
      if (!wasmBase64Module || !file) return;
      /** @type {{ wasm: string }} */
      const { wasm } = await import(wasmBase64Module);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, Buffer.from(wasm, "base64"));
    });
  },
};

/**
 * iconv-lite's code pages (480 KB, about 15 ms of signin's cold start), which the MariaDB driver
 * (Prisma's adapter's) asks for only when a connection's charset is one Node's Buffer cannot
 * encode. Ours are utf8mb4:
 * such a charset gets an error that says what to do instead of a silent fallback.
 * @type {import("esbuild").Plugin}
 */
export const nodeEncodingsOnly = {
  name: "node-encodings-only",
  setup(build) {
    // mysql2 (the migration runner's driver) is left its iconv-lite: it decodes utf8mb3 as cesu8.
    build.onResolve({ filter: /^iconv-lite$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]mariadb[\\/]/.test(importer) ? { path: "iconv-lite", namespace: "node-encodings-only" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "node-encodings-only" }, () => ({
      contents: `
        const unsupported = (encoding) =>
          new Error("The database connection's charset " + encoding + " is not supported here: use utf8mb4");
        module.exports = {
          encode(text, encoding) { throw unsupported(encoding); },
          decode(bytes, encoding) { throw unsupported(encoding); },
        };
      `,
      loader: "js",
    }));
  },
};

/** lib/docs-page/swagger-ui-files.ts, which reads Swagger UI's files from node_modules. */
const SWAGGER_UI_READER = /[\\/]lib[\\/]docs-page[\\/]swagger-ui-files\.ts$/;
/** The files of swagger-ui-dist the docs page loads (lib/docs-page/swagger-ui-files.ts, SwaggerUiFile). */
export const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];
const SWAGGER_UI_FOLDER_SUFFIX = ".swagger-ui";

/**
 * Swagger UI's files (1.9 MB, the script 1.7 MB of it) in a folder beside the bundle that serves
 * them (`docs.swagger-ui/` beside `docs.mjs`), read at their first request, instead of string
 * literals that V8 would scan at every cold start.
 * @type {import("esbuild").Plugin}
 */
export const swaggerUiBesideBundle = {
  name: "swagger-ui-beside-bundle",
  setup(build) {
    /** @type {string | undefined} */
    let distFolder;
    build.onStart(() => {
      distFolder = undefined;
    });
    build.onLoad({ filter: SWAGGER_UI_READER }, (args) => {
      const packageJson = require.resolve("swagger-ui-dist/package.json", { paths: [dirname(args.path)] });
      distFolder = dirname(packageJson);
      /** @type {{ version: string }} */
      const { version } = JSON.parse(readFileSync(packageJson, "utf8"));
      return {
        contents: `
          import { readFileSync } from "node:fs";
          const folder = ${besideThisBundle(`${SWAGGER_UI_FOLDER_SUFFIX}/`)};
          export const swaggerUiVersion = () => ${JSON.stringify(version)};
          const files = new Set(${JSON.stringify(SWAGGER_UI_FILES)});
          export const readSwaggerUiFile = (name) => {
            if (!files.has(name)) throw new Error("Swagger UI's " + name + " is not shipped beside the bundle");
            return readFileSync(new URL(name, folder), "utf8");
          };
        `,
        loader: "js",
      };
    });
    build.onEnd((result) => {
      const folder = besideBundle(build, result, SWAGGER_UI_FOLDER_SUFFIX);
      if (!distFolder || !folder) return;
      mkdirSync(folder, { recursive: true });
      for (const file of SWAGGER_UI_FILES) copyFileSync(join(distFolder, file), join(folder, file));
    });
  },
};

export default [prismaWasmBesideBundle, nodeEncodingsOnly, swaggerUiBesideBundle];
