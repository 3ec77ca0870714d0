import middy from "@middy/core";
import httpCors from "@middy/http-cors";
import httpErrorHandler from "@middy/http-error-handler";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import httpSecurityHeaders from "@middy/http-security-headers";
import validator from "@middy/validator";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { FromSchema, JSONSchema } from "json-schema-to-ts";
import { callerFromAuthorizerContext, callerFromOptionalBearer, requireRole, type Caller } from "../auth/caller.ts";
import type { RoleName } from "../auth/roles.ts";
import { corsOrigins } from "../config.ts";
import { compileSchema } from "../validation.ts";
import { jsonErrors } from "./json-errors.ts";

// The middy chain every HTTP route shares. Before the handler: headers, the caller, then the JSON
// body (parsed and validated against the route's schema). onError hooks run in reverse .use()
// order: jsonErrors shapes the error, http-error-handler answers it, then CORS and security
// headers are added to that answer too, so a browser can read a 400 as well as a 200.

/** Where a route's caller comes from: the JWT authorizer in front of it, or an optional Bearer header. */
export type CallerSource = "authorizer" | "optional-bearer";

type BodyOf<Schema> = Schema extends JSONSchema ? FromSchema<Schema> : string | null;
type CallerOf<Source> = Source extends "authorizer" ? Caller : Caller | undefined;

/** The event a route's handler sees: the body typed by the route's own schema, and its caller. */
export type RouteEvent<Body = string | null, Source = undefined> = Omit<APIGatewayProxyEvent, "body"> & {
  body: Body;
} & (Source extends CallerSource ? { caller: CallerOf<Source> } : unknown);

export interface RouteSpec<Schema extends JSONSchema | undefined, Source extends CallerSource | undefined> {
  /** The JSON body's schema: it validates the body and gives the handler its type. */
  body?: Schema;
  caller?: Source;
  /** The role the caller must hold, judged from the token alone (no database). */
  role?: RoleName;
}

type Route<Body, Source> = middy.MiddyfiedHandler<RouteEvent<Body, Source>, APIGatewayProxyResult>;

const INTERNAL_ERROR = JSON.stringify({ message: "Internal server error" });

/** Logs only what the client cannot be told: 4xx answers are expected, not incidents. */
function logUnexpected(error: Error & { statusCode?: number }): void {
  if (error.statusCode !== undefined && error.statusCode < 500) return;
  console.error(JSON.stringify({ level: "error", name: error.name, message: error.message, stack: error.stack }));
}

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
  Schema extends JSONSchema | undefined = undefined,
  const Source extends CallerSource | undefined = undefined,
>(spec: RouteSpec<Schema, Source> = {}): Route<BodyOf<Schema>, Source> {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use(httpCors({ origins: corsOrigins() }));
  // A role with no caller to judge would guard nothing: such a route is a programming error.
  if (spec.role && !spec.caller) throw new Error("httpRoute: a route that needs a role needs a caller source");
  if (spec.caller) chain.use(identifyCaller(spec.caller, spec.role));
  if (spec.body) {
    const eventSchema = compileSchema({ type: "object", required: ["body"], properties: { body: spec.body } });
    chain.use(httpJsonBodyParser()).use(validator({ eventSchema: eventSchema as never }));
  }
  chain.use(httpErrorHandler({ logger: logUnexpected, fallbackMessage: INTERNAL_ERROR })).use(jsonErrors());
  // The middlewares above turn the raw event into the route's event; the types say so once, here.
  return chain as unknown as Route<BodyOf<Schema>, Source>;
}
