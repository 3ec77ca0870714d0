import { describe, expect, it } from "vitest";
import { assertConforms, ContractViolation, redactedBody, responseProblems, type ObservedResponse } from "../support/contract.ts";
import { fixtureDocument } from "../support/openapi-fixture.ts";

// The contract checker on a small description (test/support/openapi-fixture.ts): what conforms
// passes, and each kind of difference is named.

const doc = fixtureDocument();
const USER = { id: 7, username: "alice", roles: ["ROLE_USER"], createdAt: "2026-11-23T10:00:00.000Z" };
const JSON_TYPE = "application/json";

function answer(overrides: Partial<ObservedResponse> & { json?: unknown }): ObservedResponse {
  const { json, ...rest } = overrides;
  return {
    method: "GET",
    path: "/api/users",
    status: 200,
    contentType: JSON_TYPE,
    headers: { "Cache-Control": "no-store" },
    body: json === undefined ? "" : JSON.stringify(json),
    ...rest,
  };
}

describe("responseProblems on conforming answers", () => {
  it.each<[string, ObservedResponse]>([
    ["a page with its required header", answer({ json: { items: [USER], nextCursor: "abc" } })],
    ["a templated path", answer({ method: "PUT", path: "/api/users/7/roles", json: { ...USER, nickname: null } })],
    ["a $ref'd response", answer({ method: "PUT", path: "/api/users/7/roles", status: 404, json: { message: "No user has the id 7" } })],
    ["a 4XX range", answer({ status: 401, headers: {}, json: { message: "Invalid or expired token" } })],
    ["field errors in a 400", answer({ method: "PUT", path: "/api/users/7/roles", status: 400, json: { message: "m", errors: [{ field: "roles", message: "m" }] } })],
    ["a 204 without a body or Content-Type", answer({ method: "DELETE", path: "/api/sessions/abc", status: 204, contentType: null })],
    ["text", answer({ path: "/api/board", contentType: "text/plain; charset=utf-8", body: "Public Content." })],
    ["a documented type with parameters, received without", answer({ method: "POST", path: "/api/sessions", json: { accessToken: "x", expiresIn: 900 } })],
    ["a Content-Type in another case, with parameters", answer({ contentType: "Application/JSON ; charset=UTF-8", json: { items: [] } })],
    ["a query string", answer({ path: "/api/users?limit=2&cursor=x", json: { items: [] } })],
    ["headers as fetch gives them", answer({ headers: new Headers({ "cache-control": "no-store" }), json: { items: [] } })],
  ])("accepts %s", (_case, response) => {
    expect(responseProblems(doc, response)).toEqual([]);
  });

  it("strips the base URL or the stage's path prefix", () => {
    const page = { json: { items: [] } };
    expect(responseProblems(doc, answer({ ...page, path: "http://127.0.0.1:3000/dev/api/users?limit=1" }), { base: "http://127.0.0.1:3000/dev" })).toEqual([]);
    expect(responseProblems(doc, answer({ ...page, path: "/dev/api/users" }), { base: "/dev" })).toEqual([]);
    expect(responseProblems(doc, answer({ ...page, path: "http://127.0.0.1:3000/dev/api/users" }), { base: "/dev" })).toEqual([]);
    // Whole segments only.
    expect(responseProblems(doc, answer({ ...page, path: "/devapi/users" }), { base: "/dev" })).toEqual(["no path of the description matches /devapi/users"]);
  });
});

describe("responseProblems names what differs", () => {
  it("an undocumented status", () => {
    expect(responseProblems(doc, answer({ status: 500, json: { message: "Internal server error" } }))).toEqual([
      "status 500 is not documented for GET /api/users (/api/users documents 200, 4XX)",
    ]);
  });

  it("a status outside the documented range", () => {
    expect(responseProblems(doc, answer({ method: "DELETE", path: "/api/sessions/abc", status: 404, contentType: null }))).toEqual([
      "status 404 is not documented for DELETE /api/sessions/abc (/api/sessions/{id} documents 204)",
    ]);
  });

  it("a wrong or missing Content-Type", () => {
    expect(responseProblems(doc, answer({ contentType: "text/html", json: { items: [] } }))).toEqual([
      "the Content-Type text/html is not documented (documented: application/json)",
    ]);
    expect(responseProblems(doc, answer({ contentType: null, json: { items: [] } }))).toEqual(["no Content-Type came (documented: application/json)"]);
    expect(responseProblems(doc, answer({ path: "/api/board", contentType: JSON_TYPE, json: "Public Content." }))).toEqual([
      "the Content-Type application/json is not documented (documented: text/plain; charset=utf-8)",
    ]);
  });

  it("a body that is not JSON", () => {
    expect(responseProblems(doc, answer({ body: "<html>" }))).toEqual(["the body is not JSON although the Content-Type says application/json"]);
  });

  it("a property the schema does not allow, naming it but not its value", () => {
    const problems = responseProblems(doc, answer({ json: { items: [], total: 12345 } }));
    expect(problems).toEqual(["the body must NOT have additional properties (total)"]);
  });

  it("a violation inside a $ref'd component, with its place in the body", () => {
    const problems = responseProblems(doc, answer({ json: { items: [USER, { ...USER, id: "8", passwordHash: "$2b$" }] } }));
    expect(problems).toEqual(["the body at /items/1 must NOT have additional properties (passwordHash)", "the body at /items/1/id must be integer"]);
  });

  it("every problem of the body, not only the first", () => {
    const problems = responseProblems(doc, answer({ method: "PUT", path: "/api/users/7/roles", json: { id: 0, roles: ["ROLE_ROOT"], createdAt: "yesterday" } }));
    expect(problems).toEqual([
      "the body must have required property 'username'",
      "the body at /id must be >= 1",
      "the body at /roles/0 must be equal to one of the allowed values",
      'the body at /createdAt must match format "date-time"',
    ]);
  });

  it("a text body the schema refuses", () => {
    expect(responseProblems(doc, answer({ path: "/api/board", contentType: "text/plain", body: "" }))).toEqual([
      "the body must NOT have fewer than 1 characters",
    ]);
  });

  it("a missing required header, whatever its case", () => {
    expect(responseProblems(doc, answer({ headers: {}, json: { items: [] } }))).toEqual(["the required header Cache-Control is missing"]);
    expect(responseProblems(doc, answer({ headers: { "cache-control": "no-store" }, json: { items: [] } }))).toEqual([]);
  });

  it("a body on a response documented without one", () => {
    expect(responseProblems(doc, answer({ method: "DELETE", path: "/api/sessions/abc", status: 204, json: { ok: true } }))).toEqual([
      "the response 204 is documented without a body, but one came (11 characters)",
    ]);
  });

  it("a route the description does not have", () => {
    expect(responseProblems(doc, answer({ path: "/api/nothing", json: {} }))).toEqual(["no path of the description matches /api/nothing"]);
    expect(responseProblems(doc, answer({ path: "/api/users/7/roles/extra", json: {} }))).toEqual(["no path of the description matches /api/users/7/roles/extra"]);
    expect(responseProblems(doc, answer({ path: "/api/users//roles", json: {} }))).toEqual(["no path of the description matches /api/users//roles"]);
  });

  it("a method the path does not have, such as a CORS preflight", () => {
    expect(responseProblems(doc, answer({ method: "OPTIONS", path: "/api/users/7/roles", status: 204 }))).toEqual([
      "/api/users/{id}/roles has no OPTIONS operation (documented: PUT)",
    ]);
  });
});

describe("the description's schemas", () => {
  it("are refused with a misspelt keyword, which would otherwise check nothing", () => {
    const misspelt = fixtureDocument();
    const schemas = misspelt.components!.schemas as Record<string, Record<string, unknown>>;
    schemas.User = { ...schemas.User, additionalproperties: false };
    const problems = responseProblems(misspelt, answer({ method: "PUT", path: "/api/users/7/roles", json: USER }));
    expect(problems).toEqual([expect.stringMatching(/^the schema at .+ cannot be compiled: strict mode: unknown keyword: "additionalproperties"$/)]);
  });
});

describe("path templates", () => {
  it("prefer a literal segment over a templated one", () => {
    const mine = { method: "PUT", path: "/api/users/me/roles", json: { mine: true } };
    expect(responseProblems(doc, answer(mine))).toEqual([]);
    // The same body on a templated path is judged by /api/users/{id}/roles' schema.
    expect(responseProblems(doc, answer({ ...mine, path: "/api/users/7/roles" }))).toContain("the body must have required property 'id'");
  });

  it("match percent-encoded literal segments", () => {
    expect(responseProblems(doc, answer({ path: "/api/%75sers", json: { items: [] } }))).toEqual([]);
  });
});

describe("assertConforms", () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

  it("passes a conforming answer", () => {
    expect(() => assertConforms(doc, answer({ json: { items: [] } }))).not.toThrow();
  });

  it("throws the request, the status, every problem and the body without its secrets", () => {
    const response = answer({ method: "POST", path: "/api/sessions", json: { accessToken: token, refreshToken: "r", expiresIn: "900", note: `see ${token}` } });
    let thrown: unknown;
    try {
      assertConforms(doc, response);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContractViolation);
    const { message, problems } = thrown as ContractViolation;
    expect(problems).toEqual([
      "the body must NOT have additional properties (refreshToken)",
      "the body must NOT have additional properties (note)",
      "the body at /expiresIn must be integer",
    ]);
    expect(message).toContain("POST /api/sessions answered 200 (application/json)");
    expect(message).toContain("  - the body at /expiresIn must be integer");
    expect(message).toContain('body: {"accessToken":"[redacted]","refreshToken":"[redacted]","expiresIn":"900","note":"see [redacted]"}');
    expect(message).not.toContain(token.split(".")[2]);
  });
});

describe("redactedBody", () => {
  it("hides passwords and tokens by key, at any depth, and JWTs and refresh tokens by shape", () => {
    const refreshToken = `${"a1".repeat(16)}.${"B".repeat(43)}`;
    const body = JSON.stringify({
      user: { password: "hunter2-hunter2", currentPassword: "x" },
      list: [{ token: "t", tokenType: "Bearer" }],
      text: `Bearer eyJa.eyJb.c and ${refreshToken}`,
    });
    expect(redactedBody(body)).toBe(
      '{"user":{"password":"[redacted]","currentPassword":"[redacted]"},"list":[{"token":"[redacted]","tokenType":"Bearer"}],"text":"Bearer [redacted] and [redacted]"}',
    );
    expect(redactedBody(`not json: eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.`)).toBe("not json: [redacted]");
    expect(redactedBody('{"message":"pw-alice_1-secret is too weak"}')).toBe('{"message":"[redacted] is too weak"}');
  });

  it("cuts a long body to 500 characters after redacting, so no cut token slips through", () => {
    const shown = redactedBody(JSON.stringify({ pad: "p".repeat(400), accessToken: "eyJ".padEnd(600, "x") }));
    expect(shown).toMatch(/^\{"pad":"p{400}","accessToken":"\[redacted\]"\}$/);
    const long = redactedBody("x".repeat(2_000));
    expect(long).toBe(`${"x".repeat(500)}… (2000 characters)`);
  });
});
