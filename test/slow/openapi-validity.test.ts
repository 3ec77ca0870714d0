import { describe, expect, it } from "vitest";
import { openApiProblems } from "../support/openapi-validity.ts";
import { fixtureDocument } from "../support/openapi-fixture.ts";

// openApiProblems must pass a valid 3.1 description and catch each kind of broken one.

type Node = Record<string, unknown>;

/** The fixture with the value at `path` replaced, or removed when `value` is undefined. */
function broken(path: string[], value: unknown): Node {
  const doc = fixtureDocument();
  const parent = path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, doc);
  const last = path.at(-1)!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return doc;
}

const BOARD_RESPONSES = ["paths", "/api/board", "get", "responses"];
const PAGE_SCHEMA = ["paths", "/api/users", "get", "responses", "200", "content", "application/json", "schema"];

describe("openApiProblems", () => {
  it("finds nothing wrong with the fixture", async () => {
    expect(await openApiProblems(fixtureDocument())).toEqual([]);
  });

  it.each<[string, string[], unknown, RegExp]>([
    ["a response without its description", [...BOARD_RESPONSES, "200", "description"], undefined, /200 must have required property 'description'/],
    ["a status that is not one", [...BOARD_RESPONSES, "2000"], { description: "x" }, /unevaluatedProperty: 2000/],
    ["a path that does not start with /", ["paths", "api/x"], {}, /unevaluatedProperty: api\/x/],
    ["no info", ["info"], undefined, /must have required property 'info'/],
    ["a reference to nothing", ["components", "responses", "NotFound", "content", "application/json", "schema", "$ref"], "#/components/schemas/Nothing", /Can't resolve #\/components\/schemas\/Nothing/],
    ["a schema with an unknown type", ["components", "schemas", "User", "properties", "id", "type"], "int", /^#\/components\/schemas\/User\/properties\/id\/type must be equal to one of the allowed values/m],
    ["an inline schema whose required is not a list", [...PAGE_SCHEMA, "required"], "items", /^#\/paths\/~1api~1users\/get\/responses\/200\/content\/application~1json\/schema\/required must be array/m],
  ])("catches %s", async (_case, path, value, expected) => {
    const problems = await openApiProblems(broken(path, value));
    expect(problems.join("\n")).toMatch(expected);
  });

  it("takes only 3.1", async () => {
    expect(await openApiProblems(broken(["openapi"], "3.0.3"))).toEqual(['openapi must be a 3.1.x version, not "3.0.3"']);
  });

  it("leaves the document as it was", async () => {
    const doc = fixtureDocument();
    await openApiProblems(doc);
    expect(doc).toEqual(fixtureDocument());
  });
});
