import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handler as apiDescription } from "../../functions/api-description.ts";
import { refreshRoute, signinRoute } from "../../lib/routes/auth-routes.ts";
import { API_VERSION, openApiDocument } from "../../lib/openapi/openapi.ts";
import { parseRefreshToken } from "../../lib/auth/refresh-tokens.ts";
import { ROUTES } from "../../lib/routes/routes.ts";
import { ROLE_NAMES, toTutorialRoleName, TUTORIAL_ROLE_NAMES } from "../../lib/auth/roles.ts";
import { stageUrl } from "../../lib/http/stage-url.ts";
import { OPENAPI_FILE, openApiFileText } from "../../scripts/write-openapi.ts";
import { pointerToken, schemaProblems } from "../support/contract.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The description is generated from the route table (lib/routes/); these hold the committed copy,
// the table and the served copy to it.

const committed = () => JSON.parse(readFileSync(OPENAPI_FILE, "utf8")) as ReturnType<typeof openApiDocument>;

describe("the OpenAPI description", () => {
  it("is committed as `npm run openapi` writes it from today's route table", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8"), "stale: run npm run openapi").toBe(openApiFileText());
  });

  it("describes every route of the table once, by method and path, under an operationId of its own", () => {
    const document = openApiDocument();
    const described = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));

    expect(described.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    expect(new Set(ROUTES.map((route) => route.operationId)).size).toBe(ROUTES.length);
  });

  it("names each path parameter of a route's path, and no other", () => {
    for (const route of ROUTES) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(Object.keys(route.pathParameters ?? {}), route.path).toEqual(inPath);
    }
  });

  it("requires the Bearer token where the authorizer guards the route, and offers it where a route reads one", () => {
    const operations = openApiDocument().paths;

    expect(operations["/api/auth/me"]?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(operations["/api/auth/signup"]?.post?.security).toEqual([{ bearerAuth: [] }, {}]);
    expect(operations["/api/auth/signout"]?.post?.security).toEqual([{ bearerAuth: [] }, {}]);
    expect(operations["/api/auth/signin"]?.post?.security).toEqual([]);
  });

  it("documents forms only where the route accepts them", () => {
    const bodyTypes = (path: string) => Object.keys((openApiDocument().paths[path]?.post?.requestBody as { content: object }).content);

    expect(bodyTypes("/api/auth/signin")).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    expect(bodyTypes("/api/auth/refresh")).toEqual(["application/json"]);
  });

  it("shows tokens of the real forms in its examples", () => {
    const example = refreshRoute.bodyExample.refreshToken;

    expect(parseRefreshToken(example)).toBeDefined();
    expect(signinRoute.success.example.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]{43}$/);
  });

  it("carries package.json's version", () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

    expect(API_VERSION).toBe(version);
  });

  it("names the roles in answers as the tutorials do, in the roles' order", () => {
    expect(TUTORIAL_ROLE_NAMES).toEqual(ROLE_NAMES.map(toTutorialRoleName));
  });
});

/** The event API Gateway sends for the description's route: `domainName` is the domain it served the request on. */
function descriptionEvent(domainName: string | undefined, headers: Record<string, string> = {}, requestPath = "/prod/api/docs/openapi.json", eventPath = "/api/docs/openapi.json") {
  const event = httpEvent({ path: eventPath, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) });
  event.resource = "/api/docs/openapi.json";
  event.requestContext.path = requestPath;
  if (domainName !== undefined) event.requestContext.domainName = domainName;
  return event;
}

describe("GET /api/docs/openapi.json", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("serves the committed description with this stage as its only server", async () => {
    // Prepare
    const domain = "abc123.execute-api.eu-west-1.amazonaws.com";
    const event = descriptionEvent(domain, { Host: domain });

    // Act
    const answer = await apiDescription(event, lambdaContext());

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.["Content-Type"]).toBe("application/json");
    const served = JSON.parse(answer.body) as Record<string, unknown>;
    expect(served).toEqual({ ...committed(), servers: served.servers });
    expect(served.servers).toEqual([{ url: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod", description: "This stage" }]);
  });

  it("names the stage API Gateway served, not a forged Host, in the answer that caches share", async () => {
    const event = descriptionEvent("abc123.execute-api.eu-west-1.amazonaws.com", { Host: "evil.example.com:443" });

    const answer = await apiDescription(event, lambdaContext());

    expect(answer.headers?.["Cache-Control"]).toBe("public, max-age=300");
    expect(answer.body).not.toContain("evil.example.com");
    expect((JSON.parse(answer.body) as { servers: unknown }).servers).toEqual([{ url: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod", description: "This stage" }]);
  });

  it("keeps the committed servers when the event names no usable domain", async () => {
    const event = descriptionEvent("evil.example/<script>", { Host: "abc123.execute-api.eu-west-1.amazonaws.com" });

    const answer = await apiDescription(event, lambdaContext());

    expect((JSON.parse(answer.body) as { servers: unknown }).servers).toEqual(committed().servers);
  });
});

describe("stageUrl", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ["API Gateway's domain, the stage first in the path", "abc.execute-api.us-east-1.amazonaws.com", "/prod/api/docs/openapi.json", "/api/docs/openapi.json", "https://abc.execute-api.us-east-1.amazonaws.com/prod"],
    // Behind a base path mapping, API Gateway puts the base path into event.path too.
    ["a custom domain mapped at a base path", "api.example.com", "/auth/api/docs/openapi.json", "/auth/api/docs/openapi.json", "https://api.example.com/auth"],
    ["a custom domain mapped at its root", "api.example.com", "/api/docs/openapi.json", "/api/docs/openapi.json", "https://api.example.com"],
  ])("reads %s", (_case, domainName, requestPath, eventPath, expected) => {
    expect(stageUrl(descriptionEvent(domainName, { Host: domainName }, requestPath, eventPath))).toBe(expected);
  });

  it.each([
    ["Host", { Host: "evil.example.com:443" }],
    ["X-Forwarded-Host", { "X-Forwarded-Host": "evil.example.com" }],
    ["X-Forwarded-Proto", { "X-Forwarded-Proto": "http" }],
  ])("takes nothing from a client's %s header", (_header, headers) => {
    expect(stageUrl(descriptionEvent("abc.execute-api.us-east-1.amazonaws.com", headers))).toBe("https://abc.execute-api.us-east-1.amazonaws.com/prod");
  });

  it("reads serverless-offline's address as started (LOCAL_API_URL) and the stage, whatever the Host", () => {
    vi.stubEnv("LOCAL_API_URL", "http://127.0.0.1:3000");
    // serverless-offline's own event: a placeholder domain, and no stage in requestContext.path.
    const event = descriptionEvent("offlineContext_domainName", { Host: "evil.example.com:443" }, "/api/docs/openapi.json");
    event.requestContext.stage = "dev";

    expect(stageUrl(event)).toBe("http://127.0.0.1:3000/dev");
  });

  it("gives no URL for a missing or malformed domain", () => {
    expect(stageUrl(descriptionEvent(undefined, { Host: "abc.execute-api.us-east-1.amazonaws.com" }))).toBeUndefined();
    expect(stageUrl(descriptionEvent("a b"))).toBeUndefined();
    expect(stageUrl(descriptionEvent("offlineContext_domainName"))).toBeUndefined();
  });
});

describe("the description's examples", () => {
  const document = openApiDocument();
  type Content = Record<string, Record<string, unknown>>;

  /** Every example of a request or answer body, with the keys of its media type's schema. */
  const examples = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const media: [string[], Record<string, unknown>][] = [];
      const requestContent = (operation.requestBody as { content?: Content } | undefined)?.content ?? {};
      for (const [type, value] of Object.entries(requestContent)) media.push([["paths", path, method, "requestBody", "content", type], value]);
      for (const [status, answer] of Object.entries(operation.responses as Record<string, { content?: Content }>)) {
        for (const [type, value] of Object.entries(answer.content ?? {})) media.push([["paths", path, method, "responses", status, "content", type], value]);
      }
      return media.flatMap(([keys, value]) => {
        const at = `#/${keys.map(pointerToken).join("/")}`;
        const schema = [...keys, "schema"];
        const named = Object.entries((value.examples ?? {}) as Record<string, { value: unknown }>).map(([name, example]) => [`${at} (${name})`, schema, example.value] as const);
        return "example" in value ? [[at, schema, value.example] as const, ...named] : named;
      });
    }),
  );

  it("are many: every body the routes take and every refusal has one", () => {
    expect(examples.length).toBeGreaterThan(ROUTES.length * 3);
  });

  it.each(examples)("%s conforms to its schema", (_name, schema, example) => {
    expect(schemaProblems(document, schema, example)).toEqual([]);
  });
});
