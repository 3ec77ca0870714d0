import ts from "typescript";
import { describe, expect, it } from "vitest";
import { typescriptDeclarations } from "../support/typescript-client.ts";
import { fixtureDocument } from "../support/openapi-fixture.ts";

describe("typescriptDeclarations", () => {
  it("declares every path, operation and schema of a 3.1 description", async () => {
    const text = await typescriptDeclarations(fixtureDocument());
    for (const path of ["/api/users", "/api/users/{id}/roles", "/api/users/me/roles", "/api/sessions", "/api/sessions/{id}", "/api/board"]) {
      expect(text).toContain(`"${path}": {`);
    }
    expect(text).toContain('put: operations["setRoles"];');
    // 3.1's type lists and a media type with parameters come through.
    expect(text).toContain("nickname?: string | null;");
    expect(text).toContain('"text/plain; charset=utf-8": string;');
  });

  it("writes TypeScript that parses", async () => {
    const text = await typescriptDeclarations(fixtureDocument());
    const { diagnostics } = ts.transpileModule(text, { reportDiagnostics: true, fileName: "api.ts" });
    expect(diagnostics).toEqual([]);
  });
});
