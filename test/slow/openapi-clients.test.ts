import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/openapi/openapi.ts";
import { ROUTES } from "../../lib/routes/routes.ts";
import { openApiProblems } from "../support/openapi-validity.ts";
import { postmanCollection } from "../support/postman.ts";
import { typescriptDeclarations } from "../support/typescript-client.ts";

// What users do with the description (docs/api-description.md): check it, import it into
// Postman, generate a typed client from it.

const document = openApiDocument();
const scratch = mkdtempSync(join(tmpdir(), "openapi-client-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the description as tools read it", () => {
  it("is valid OpenAPI 3.1, every schema in it valid JSON Schema 2020-12", async () => {
    expect(await openApiProblems(document)).toEqual([]);
  });

  it("imports into Postman as one request per route", async () => {
    const requests = await postmanCollection(document);

    const asPostman = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");
    expect(requests.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(ROUTES.map((route) => `${route.method.toUpperCase()} ${asPostman(route.path)}`).sort());
  });

  // The TypeScript compiler checks a whole program: about 3 s on an idle core here, past vitest's
  // 5 s default on a loaded machine. Its 60 s are room, not a time this test checks.
  it("generates a typed client (openapi-typescript) that holds a front end to the routes' bodies and answers", async () => {
    // Prepare: the types as `npx openapi-typescript openapi.json -o auth-api.d.ts` writes them,
    // and code a front end would write against them, with two mistakes the types must catch.
    writeFileSync(join(scratch, "auth-api.d.ts"), await typescriptDeclarations(document));
    const client = `
      import type { components, paths } from "./auth-api";
      type SigninBody = paths["/api/auth/signin"]["post"]["requestBody"]["content"]["application/json"];
      type Session = paths["/api/auth/signin"]["post"]["responses"][200]["content"]["application/json"];
      type Page = paths["/api/admin/users"]["get"]["responses"][200]["content"]["application/json"];
      export const body: SigninBody = { username: "alice", password: "correct-horse-battery" };
      export const bearer = (session: Session): string => \`\${session.tokenType} \${session.accessToken}\`;
      export const names = (page: Page): string[] => page.items.map((user) => user.username);
      export const limit: paths["/api/admin/users"]["get"]["parameters"]["query"] = { limit: 50 };
      export const refusal = (error: components["schemas"]["Error"]): string => error.message;
      // @ts-expect-error: roles are user, moderator or admin
      export const badRoles: components["schemas"]["SignupRequest"] = { username: "a", email: "a@example.com", password: "p", roles: ["root"] };
      // @ts-expect-error: signin answers no password
      export const noPassword = (session: Session): string => session.password;
    `;
    writeFileSync(join(scratch, "client.ts"), client);

    // Act
    const program = ts.createProgram([join(scratch, "client.ts")], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022 });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));

    // Assess
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
