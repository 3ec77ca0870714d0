import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Dependencies point one way (docs/architecture.md): functions/ → use cases → primitives. This
// reads every import of lib/ and holds it to that rule, so an arrow back up fails here rather
// than in a review.

const root = process.cwd();

/** Where a module sits, by its path under the project: the layer the rule speaks of. */
const LAYERS = [
  { layer: "handlers", folders: ["functions/"] },
  { layer: "description", folders: ["lib/routes/", "lib/openapi/", "lib/docs-page/", "lib/account-pages/"] },
  { layer: "use cases", folders: ["lib/sessions/", "lib/users/", "lib/accounts/"] },
  {
    layer: "primitives",
    folders: ["lib/http/", "lib/auth/", "lib/db/", "lib/config/", "lib/mail/", "lib/validation/", "lib/errors.ts", "lib/logger.ts"],
  },
] as const;
type Layer = (typeof LAYERS)[number]["layer"];

function layerOf(path: string): Layer | undefined {
  return LAYERS.find(({ folders }) => folders.some((folder) => path.startsWith(folder)))?.layer;
}

/** What each layer may import besides itself (the description documents the use cases' errors and schemas). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  handlers: ["description", "use cases", "primitives"],
  description: ["use cases", "primitives"],
  "use cases": ["primitives"],
  primitives: [],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.includes("generated"))
    .map((file) => join(folder, file));
}

/** Each relative import of `file` (static, type-only or dynamic), as a path under the project. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(root, file), "utf8");
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*)"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier)));
}

const edges = [...sourceFiles("lib"), ...sourceFiles("functions")].flatMap((from) => importsOf(from).map((to) => ({ from, to })));

describe("the direction of imports", () => {
  it("reads the imports it checks", () => {
    expect(edges).toContainEqual({ from: "lib/db/client.ts", to: "lib/db/database-secret.ts" });
    expect(edges).toContainEqual({ from: "functions/signin.ts", to: "lib/sessions/signin.ts" });
  });

  it("places every module of lib/ and functions/ in a layer", () => {
    expect(edges.map(({ from }) => from).filter((from) => layerOf(from) === undefined)).toEqual([]);
  });

  it("has no import from a layer into one above it", () => {
    const upward = edges.filter(({ from, to }) => {
      const fromLayer = layerOf(from)!;
      const toLayer = layerOf(to);
      return toLayer !== undefined && toLayer !== fromLayer && !MAY_IMPORT[fromLayer].includes(toLayer);
    });
    expect(upward).toEqual([]);
  });

  it("has lib/users import nothing of lib/sessions (sessions build on users)", () => {
    expect(edges.filter(({ from, to }) => from.startsWith("lib/users/") && to.startsWith("lib/sessions/"))).toEqual([]);
  });
});
