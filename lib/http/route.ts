import middy from "@middy/core";
import httpCors from "@middy/http-cors";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { FromSchema } from "json-schema-to-ts";
import { callerFromAuthorizerContext, callerFromOptionalBearer, requireRole, type Caller } from "../auth/caller.ts";
import type { RoleName } from "../auth/roles.ts";
import { corsOrigins } from "../config.ts";
import { logger } from "../logger.ts";
import type { ObjectSchema } from "../validation.ts";
import { errorAnswers } from "./error-answers.ts";
import { requestBody } from "./request-body.ts";
import { securityHeaders } from "./security-headers.ts";

// The middy chain every HTTP route shares. Before the handler: the logger's request context,
// headers, the caller, then the body (read, parsed and validated against the route's schema).
// onError hooks run in reverse .use() order: errorAnswers turns the error into an answer, then
// CORS and security headers are added to that answer too, so a browser can read a 400 as well
// as a 200.

/** Where a route's caller comes from: the JWT authorizer in front of it, or an optional Bearer header. */
export type CallerSource = "authorizer" | "optional-bearer";

type BodyOf<Schema> = Schema extends ObjectSchema ? FromSchema<Schema> : string | null;
type CallerOf<Source> = Source extends "authorizer" ? Caller : Caller | undefined;

/** The event a route's handler sees: the body typed by the route's own schema, and its caller. */
export type RouteEvent<Body = string | null, Source = undefined> = Omit<APIGatewayProxyEvent, "body"> & {
  body: Body;
} & (Source extends CallerSource ? { caller: CallerOf<Source> } : unknown);

export interface RouteSpec<Schema extends ObjectSchema | undefined, Source extends CallerSource | undefined> {
  /** The body's schema: it validates the body and gives the handler its type. */
  body?: Schema;
  /** Also accept the body as `application/x-www-form-urlencoded`. */
  forms?: boolean;
  caller?: Source;
  /** The role the caller must hold, judged from the token alone (no database). */
  role?: RoleName;
}

type Route<Body, Source> = middy.MiddyfiedHandler<RouteEvent<Body, Source>, APIGatewayProxyResult>;

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

/** Log lines name the route: `POST /api/auth/signin`. */
const routeLogKey: middy.MiddlewareObj<APIGatewayProxyEvent> = {
  before: ({ event }) => {
    logger.appendKeys({ route: `${event.httpMethod} ${event.resource}` });
  },
};

function identifyCaller(source: CallerSource, role: RoleName | undefined): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      const caller =
        source === "authorizer"
          ? callerFromAuthorizerContext(event.requestContext.authorizer)
          : await callerFromOptionalBearer(event.headers.authorization);
      if (role) requireRole(caller, role);
      Object.assign(event, { caller });
    },
  };
}

export function httpRoute<
  Schema extends ObjectSchema | undefined = undefined,
  const Source extends CallerSource | undefined = undefined,
>(spec: RouteSpec<Schema, Source> = {}): Route<BodyOf<Schema>, Source> {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    // logEvent stays off whatever POWERTOOLS_LOGGER_LOG_EVENT says: events hold passwords and tokens.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }) as middy.MiddlewareObj)
    .use(routeLogKey)
    .use(httpHeaderNormalizer())
    .use(securityHeaders())
    .use(varyOnOriginMiddleware)
    .use(httpCors({ origins: corsOrigins(), exposeHeaders: "Retry-After" }));
  // A role with no caller to judge would guard nothing: such a route is a programming error.
  if (spec.role && !spec.caller) throw new Error("httpRoute: a route that needs a role needs a caller source");
  if (spec.caller) chain.use(identifyCaller(spec.caller, spec.role));
  if (spec.body) chain.use(requestBody(spec.body, { forms: spec.forms }));
  chain.use(errorAnswers());
  // The middlewares above turn the raw event into the route's event; the types say so once, here.
  return chain as unknown as Route<BodyOf<Schema>, Source>;
}
