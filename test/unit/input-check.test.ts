import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DECLARATION, DECLARATION_FILE, GENERATED_FILE, validatorsSource } from "../../scripts/compile-validators.ts";
import { inputCheckFor } from "../../lib/validation/input-check.ts";

// The handlers validate with functions Ajv compiled ahead of time (lib/validation/field-validators.generated.js):
// they must be what the schemas say today.

describe("compiled field validators", () => {
  it("are what `npm run validators` writes from today's schemas and Ajv", async () => {
    // Prepare / Act
    const expected = await validatorsSource();

    // Assess: a schema changed without `npm run validators` fails here, not in a stage.
    expect(readFileSync(GENERATED_FILE, "utf8"), "stale: run npm run validators").toBe(expected);
    expect(readFileSync(DECLARATION_FILE, "utf8"), "stale: run npm run validators").toBe(DECLARATION);
  });

  it("load without Ajv: no require() and no import of a module", () => {
    const source = readFileSync(GENERATED_FILE, "utf8");

    expect(source).not.toMatch(/\brequire\(|^import /m);
  });

  it("refuse a schema whose field was never compiled, naming the way out", () => {
    const uncompiled = { type: "object", additionalProperties: false, properties: { age: { type: "integer", minimum: 0 } } } as const;

    expect(() => inputCheckFor(uncompiled)).toThrow('field "age" has no compiled validator: run npm run validators');
  });
});
