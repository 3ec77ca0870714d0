import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { json } from "../../lib/http/responses.ts";
import { MAX_BODY_BYTES } from "../../lib/http/request-body.ts";
import { httpRoute } from "../../lib/http/route.ts";
import { signinSchema } from "../../lib/sessions/schemas.ts";
import { signupSchema } from "../../lib/users/schemas.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The body reader of every route, through the exact event API Gateway hands over: what any input
// answers, how large that answer may get, and that a handler only ever sees a valid body.

const formRoute = httpRoute({ body: signupSchema, forms: true }).handler((event) => json(200, event.body));
const jsonRoute = httpRoute({ body: signinSchema }).handler((event) => json(200, event.body));

/** A route takes the raw event API Gateway sends; its handler's type says what the chain makes of it. */
type RawRoute = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const JSON_TYPE = { "Content-Type": "application/json" };
const FORM_TYPE = { "Content-Type": "application/x-www-form-urlencoded" };
const valid = { username: "alice", email: "alice@example.com", password: "correct horse" };

async function send(rawBody: string, headers: Record<string, string> = JSON_TYPE, route: unknown = formRoute, isBase64Encoded = false) {
  const answer = await (route as RawRoute)(httpEvent({ method: "POST", rawBody, headers, isBase64Encoded }), lambdaContext());
  return { ...answer, json: JSON.parse(answer.body) as { message: string; errors?: { field: string; message: string }[] } };
}

describe("body size", () => {
  it("refuses a body over 16 KB with 413 before parsing it", async () => {
    const answer = await send("x".repeat(MAX_BODY_BYTES + 1));
    expect(answer.statusCode).toBe(413);
    expect(answer.json).toEqual({ message: "Request body must be at most 16 KB" });
  });

  it("counts bytes, not characters: 6 000 euro signs are 18 000 bytes", async () => {
    const answer = await send(JSON.stringify({ ...valid, password: "€".repeat(6_000) }));
    expect(answer.statusCode).toBe(413);
  });

  it("takes a body of exactly 16 KB to the parser", async () => {
    const body = JSON.stringify({ ...valid, password: "" });
    const answer = await send(body.replace('"password":""', `"password":"${"p".repeat(MAX_BODY_BYTES - body.length)}"`));
    expect(answer.statusCode).toBe(200);
  });

  it("measures a base64 body by its decoded size", async () => {
    const small = Buffer.from(JSON.stringify(valid)).toString("base64");
    expect((await send(small, JSON_TYPE, formRoute, true)).statusCode).toBe(200);
    const large = Buffer.from("x".repeat(MAX_BODY_BYTES + 1)).toString("base64");
    expect((await send(large, JSON_TYPE, formRoute, true)).statusCode).toBe(413);
  });
});

describe("content type", () => {
  it.each([
    ["application/json ; charset=utf-8"],
    ['APPLICATION/JSON;charset="UTF-8"'],
    ["application/json;charset=utf8"],
  ])("accepts %s", async (contentType) => {
    expect((await send(JSON.stringify(valid), { "Content-Type": contentType })).statusCode).toBe(200);
  });

  it.each([
    ["application/json; charset=iso-8859-1", "Request body must be UTF-8 (charset=utf-8), not iso-8859-1"],
    ["application/json; charset=utf-16", "Request body must be UTF-8 (charset=utf-8), not utf-16"],
    ["text/plain", "Content-Type must be application/json or application/x-www-form-urlencoded"],
    ["application/jsonx", "Content-Type must be application/json or application/x-www-form-urlencoded"],
    ["not a media type", "Content-Type must be application/json or application/x-www-form-urlencoded"],
  ])("refuses %s with 415", async (contentType, message) => {
    const answer = await send(JSON.stringify(valid), { "Content-Type": contentType });
    expect(answer.statusCode).toBe(415);
    expect(answer.json).toEqual({ message });
  });

  it("refuses a body with no Content-Type", async () => {
    expect((await send(JSON.stringify(valid), {})).statusCode).toBe(415);
  });

  it("takes forms only on routes that accept them", async () => {
    const answer = await send("username=alice&password=secret", FORM_TYPE, jsonRoute);
    expect(answer.statusCode).toBe(415);
    expect(answer.json.message).toBe("Content-Type must be application/json");
  });
});

describe("malformed input is a 400 that quotes nothing of the body", () => {
  it.each([
    ["cut-off JSON", '{"username":"alice","password":"hunter2-secret', "Request body is not valid JSON"],
    ["an empty body", "", "Request body is empty: send a JSON object"],
    ["an array", "[]", "Request body must be a JSON object"],
    ["a string", '"alice"', "Request body must be a JSON object"],
    ["null", "null", "Request body must be a JSON object"],
    ["a number", "42", "Request body must be a JSON object"],
    ["__proto__", '{"__proto__":{"isAdmin":true},"username":"alice"}', 'Request body must not use the key "__proto__"'],
    ["a nested constructor", '{"username":"alice","roles":[{"constructor":{"prototype":{}}}]}', 'Request body must not use the key "constructor"'],
    ["5 000 levels of arrays", `{"roles":${"[".repeat(5_000)}${"]".repeat(5_000)}}`, "Request body must not nest more than 8 levels deep"],
  ])("%s", async (_label, body, message) => {
    const answer = await send(body);
    expect(answer.statusCode).toBe(400);
    expect(answer.json).toEqual({ message });
    expect(answer.body).not.toContain("hunter2");
  });
});

describe("validation messages say what is wrong in words", () => {
  it.each([
    ["Password must not be empty", "password", { ...valid, password: "" }],
    ["Username must be at least 3 characters", "username", { ...valid, username: "" }],
    ["Username may contain only letters, digits, _ . -", "username", { ...valid, username: "bad name!" }],
    ["Username must start and end with a letter or digit", "username", { ...valid, username: "..." }],
    ["Username must start and end with a letter or digit", "username", { ...valid, username: "-alice" }],
    ["Email must be a valid email address", "email", { ...valid, email: "not-an-email" }],
    ["Password must not contain control characters", "password", { ...valid, password: "pw\u0000anything" }],
    ["Password must not contain control characters", "password", { ...valid, password: "line\nbreak-password" }],
    ["Roles must be one of: user, moderator, admin", "roles.0", { ...valid, roles: ["root"] }],
    ["Roles must be an array", "roles", { ...valid, roles: "admin" }],
    ["Username must be a string", "username", { ...valid, username: { $ne: null } }],
    ["Username is required", "username", { email: valid.email, password: valid.password }],
    ["Role is not a known field", "role", { ...valid, role: "admin" }],
  ])("says %j of field %s in %j", async (message, field, body) => {
    const answer = await send(JSON.stringify(body));
    expect(answer.statusCode).toBe(400);
    expect(answer.json.message).toBe(message);
    expect(answer.json.errors?.[0]?.field).toBe(field);
  });

  it("reports one error per field, in the schema's order, unknown fields last", async () => {
    const answer = await send(JSON.stringify({ zzz: 1, password: "", username: "ab" }));
    expect(answer.json.errors).toEqual([
      { field: "username", message: "must be at least 3 characters" },
      { field: "email", message: "is required" },
      { field: "password", message: "must not be empty" },
      { field: "zzz", message: "is not a known field" },
    ]);
  });
});

describe("amplification: no input gets a long answer", () => {
  it("stops at the first bad item of a huge roles array", async () => {
    const roles = JSON.stringify(Array.from({ length: 2_000 }, (_, index) => `r${index}`));
    const answer = await send(`{"username":"alice","email":"alice@example.com","password":"correct horse","roles":${roles}}`);
    expect(answer.statusCode).toBe(400);
    expect(answer.json.errors).toEqual([{ field: "roles", message: "must have at most 3 items" }]);
  });

  it("reports at most 5 of thousands of unknown keys, in a short answer", async () => {
    const keys = Array.from({ length: 1_500 }, (_, index) => `"k${index}":0`).join(",");
    const answer = await send(`{${keys}}`);
    expect(answer.statusCode).toBe(400);
    expect(answer.json.errors).toHaveLength(5);
    expect(answer.body.length).toBeLessThan(1_000);
  });

  it("cuts a huge unknown key short instead of echoing it", async () => {
    const answer = await send(JSON.stringify({ ...valid, ["k".repeat(10_000)]: 1 }));
    expect(answer.body.length).toBeLessThan(500);
    expect(answer.json.errors?.[0]?.field).toBe(`${"k".repeat(64)}…`);
  });
});

describe("forms", () => {
  it("read like JSON: same fields, arrays from repeated names", async () => {
    const answer = await send("username=alice&email=alice%40example.com&password=correct+horse&roles=user&roles=moderator", FORM_TYPE);
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual({ ...valid, roles: ["user", "moderator"] });
  });

  it("get the same messages as JSON", async () => {
    const answer = await send("username=al&email=alice%40example.com&password=long+enough", FORM_TYPE);
    expect(answer.json.message).toBe("Username must be at least 3 characters");
  });

  it("refuse a field given twice, and __proto__ as a name", async () => {
    expect((await send("username=alice&username=bob", FORM_TYPE)).json.message).toBe('Form field "username" must be given once');
    expect((await send("__proto__=x&username=alice", FORM_TYPE)).json.message).toBe('Request body must not use the key "__proto__"');
  });
});

describe("every answer's headers", () => {
  it("carry Vary: Origin and the security headers, also for a refused origin and a 413", async () => {
    const event = httpEvent({ method: "POST", rawBody: "x".repeat(MAX_BODY_BYTES + 1), headers: { ...JSON_TYPE, Origin: "https://evil.example" } });
    const answer = await (formRoute as unknown as RawRoute)(event, lambdaContext());
    expect(answer.statusCode).toBe(413);
    expect(answer.headers).toMatchObject({ Vary: "Origin", "X-Content-Type-Options": "nosniff" });
    expect(answer.headers?.["Access-Control-Allow-Origin"]).toBeUndefined();
  });

  it("say Vary: Origin once when the origin is allowed and reflected", async () => {
    const event = httpEvent({ method: "POST", rawBody: JSON.stringify(valid), headers: { ...JSON_TYPE, Origin: "http://localhost:8081" } });
    const answer = await (formRoute as unknown as RawRoute)(event, lambdaContext());
    expect(answer.headers).toMatchObject({ Vary: "Origin", "Access-Control-Allow-Origin": "http://localhost:8081" });
  });
});
