import { readFileSync } from "node:fs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { handler as authorizer } from "../../functions/authorizer.ts";
import { ROUTES } from "../../lib/routes/routes.ts";
import { httpEvent, lambdaContext, METHOD_ARN_PREFIX } from "../support/lambda-events.ts";

// API Gateway's console "Test" button sends null, not {}, for what the request did not have:
// headers, multiValueHeaders, the query, the path parameters and the body. Every route must
// answer that with a 4xx (or its success), never a 5xx. Each route's handler is found the way
// Lambda finds it: serverless.yml's `handler: functions/<file>.<export>` for the route's function.

type HttpHandler = (event: APIGatewayProxyEvent, context: ReturnType<typeof lambdaContext>) => Promise<APIGatewayProxyResult>;

const SERVERLESS_YML = readFileSync(new URL("../../serverless.yml", import.meta.url), "utf8");

async function handlerOf(functionName: string): Promise<HttpHandler> {
  const match = new RegExp(`^  ${functionName}:\\n    handler: (functions/[\\w/-]+)\\.(\\w+)$`, "m").exec(SERVERLESS_YML);
  if (!match) throw new Error(`serverless.yml has no handler for ${functionName}`);
  const file = new URL(`../../${match[1]}.ts`, import.meta.url).href;
  const module = (await import(/* @vite-ignore */ file)) as Record<string, HttpHandler>;
  return module[match[2]!]!;
}

/** The event the console sends: the route's method and path, every optional part null. */
function consoleEvent(method: string, path: string, changes: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    ...httpEvent({ method: method.toUpperCase(), path }),
    headers: null,
    multiValueHeaders: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    body: null,
    ...changes,
  } as unknown as APIGatewayProxyEvent;
}

describe("an API Gateway console test event, with null headers, query, path parameters and body", () => {
  it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    "%s answers below 500",
    async (_title, { function: functionName, method, path }) => {
      const answer = await (await handlerOf(functionName))(consoleEvent(method, path), lambdaContext(functionName));
      expect(answer.statusCode, answer.body).toBeLessThan(500);
    },
  );

  it("POST /api/auth/signin with a body but null headers: 415, the Content-Type missing", async () => {
    const signin = await handlerOf("signin");
    const answer = await signin(consoleEvent("POST", "/api/auth/signin", { body: '{"username":"a","password":"b"}' }), lambdaContext());
    expect(answer.statusCode).toBe(415);
    expect(JSON.parse(answer.body)).toEqual({ message: "Content-Type must be application/json or application/x-www-form-urlencoded" });
  });

  it("GET /api/test/user with null headers and a caller from the authorizer: 200", async () => {
    const userBoard = await handlerOf("userBoard");
    const { requestContext } = httpEvent({ authorizer: { userId: 7, username: "u", roles: "user" } });
    const answer = await userBoard(consoleEvent("GET", "/api/test/user", { requestContext }), lambdaContext());
    expect(answer).toMatchObject({ statusCode: 200, body: "User Content." });
  });
});

describe("the empty event `sls invoke local` sends without --data", () => {
  it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    "%s answers below 500",
    async (_title, { function: functionName }) => {
      const answer = await (await handlerOf(functionName))("" as unknown as APIGatewayProxyEvent, lambdaContext(functionName));
      expect(answer.statusCode, answer.body).toBeLessThan(500);
    },
  );

  it("GET /api/test/all answers its content", async () => {
    const publicBoard = await handlerOf("publicBoard");
    const answer = await publicBoard("" as unknown as APIGatewayProxyEvent, lambdaContext("publicBoard"));
    expect(answer).toMatchObject({ statusCode: 200, body: "Public Content." });
  });
});

describe("the authorizer and a console test event", () => {
  it.each([
    ["no Authorization value (null)", null],
    ["no Authorization value (missing)", undefined],
    ["an empty Authorization value", ""],
  ])("answers exactly 'Unauthorized' to %s", async (_case, authorizationToken) => {
    const event = { type: "TOKEN", methodArn: `${METHOD_ARN_PREFIX}/GET/api/test/user`, authorizationToken } as unknown as APIGatewayTokenAuthorizerEvent;
    await expect(authorizer(event)).rejects.toThrow(/^Unauthorized$/);
  });
});
