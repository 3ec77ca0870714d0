import middy from "@middy/core";
import httpCors from "@middy/http-cors";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { callerFromAuthorizerContext, requireRole, type Caller } from "../auth/caller.ts";
import type { RoleName } from "../auth/roles.ts";
import { corsOrigins } from "../config/cors-origins.ts";
import { logger } from "../logger.ts";
import { errorResponses } from "./error-responses.ts";
import { securityHeaders } from "./security-headers.ts";

// The middy chain every HTTP route shares. Before the handler: the logger's request context,
// headers, then the route's own request middleware (its caller, its body). onError hooks run
// in reverse .use() order: errorResponses turns the error into a response, then CORS and security
// headers are added to that response too, so a browser can read a 400 as well as a 200.
// Apart from route.ts, which adds the body and Bearer middleware: a route that reads neither (the
// boards) bundles no body validators and no token code.

/** A middleware that reads the request before the handler and puts what it read into the event. */
export type RequestMiddleware = middy.MiddlewareObj<APIGatewayProxyEvent>;

type HttpChain = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * Answers differ by Origin (CORS), also when it is refused: caches must not mix them up. middy's
 * CORS adds `Vary: Origin` only when it reflects an origin (and its `vary` option would then say
 * it twice), so this runs after it and adds it where it is missing.
 */
function varyOnOrigin(response: APIGatewayProxyResult | null | undefined): void {
  if (!response) return;
  const headers = (response.headers ??= {});
  const vary = String(headers.Vary ?? "");
  if (!/\borigin\b/i.test(vary)) headers.Vary = vary ? `${vary}, Origin` : "Origin";
}

const varyOnOriginMiddleware: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  after: ({ response }) => varyOnOrigin(response),
  onError: ({ response }) => varyOnOrigin(response),
};

/**
 * API Gateway's console test sends null for the headers, query, path parameters and body a request
 * did not have. The query, path parameters and body are read as possibly null everywhere; the
 * headers' type says they are always there, so they are made so: such a request gets the same 4xx
 * as one without those headers, not a TypeError's 500 (test/unit/console-events.test.ts).
 * `sls invoke local` without `--data` sends an empty string, and a direct invoke may send any
 * JSON: both are read as an event without headers or a request context (no caller).
 */
const nullPartsAsEmpty: RequestMiddleware = {
  before: (request) => {
    if (typeof request.event !== "object" || request.event === null) request.event = {} as APIGatewayProxyEvent;
    request.event.headers ??= {};
    request.event.multiValueHeaders ??= {};
    request.event.requestContext ??= {} as APIGatewayProxyEvent["requestContext"];
  },
};

/** Log lines name the route: `POST /api/auth/signin`. */
const routeLogKey: RequestMiddleware = {
  before: ({ event }) => {
    logger.appendKeys({ route: `${event.httpMethod} ${event.resource}` });
  },
};

/** The shared chain with the route's `middlewares`, run in the order given, before its handler. */
export function httpChain(middlewares: RequestMiddleware[] = []): HttpChain {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    // logEvent stays off whatever POWERTOOLS_LOGGER_LOG_EVENT says: events hold passwords and tokens.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }) as middy.MiddlewareObj)
    .use(routeLogKey)
    .use(nullPartsAsEmpty)
    .use(httpHeaderNormalizer())
    .use(securityHeaders())
    .use(varyOnOriginMiddleware)
    .use(httpCors({ origins: corsOrigins(), exposeHeaders: "Retry-After" }));
  for (const middleware of middlewares) chain.use(middleware);
  return chain.use(errorResponses());
}

/** Makes the route's caller (`event.caller`) with `identify`, and refuses it with 403 unless it holds `role`. */
export function callerMiddleware(
  identify: (event: APIGatewayProxyEvent) => Caller | undefined | Promise<Caller | undefined>,
  role: RoleName | undefined,
): RequestMiddleware {
  return {
    before: async ({ event }) => {
      const caller = await identify(event);
      if (role) requireRole(caller, role);
      Object.assign(event, { caller });
    },
  };
}

/** The caller the JWT authorizer let through (lib/auth/caller.ts), as `event.caller`. */
export function authorizerCaller(role?: RoleName): RequestMiddleware {
  return callerMiddleware((event) => callerFromAuthorizerContext(event.requestContext.authorizer), role);
}
