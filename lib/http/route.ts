import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type middy from "@middy/core";
import type { FromSchema } from "json-schema-to-ts";
import { callerFromOptionalBearer } from "../auth/bearer-caller.ts";
import type { Caller } from "../auth/caller.ts";
import type { RoleName } from "../auth/roles.ts";
import type { ObjectSchema } from "../validation/input-check.ts";
import { authorizerCaller, callerMiddleware, httpChain, type RequestMiddleware } from "./chain.ts";
import { requestBody } from "./request-body.ts";

// A route as its spec says: the shared chain (chain.ts) with the caller, then the body (read,
// parsed and validated against the route's schema), and the handler's event typed to match.

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

function callerFrom(source: CallerSource, role: RoleName | undefined): RequestMiddleware {
  if (source === "authorizer") return authorizerCaller(role);
  return callerMiddleware((event) => callerFromOptionalBearer(event.headers.authorization), role);
}

export function httpRoute<
  Schema extends ObjectSchema | undefined = undefined,
  const Source extends CallerSource | undefined = undefined,
>(spec: RouteSpec<Schema, Source> = {}): Route<BodyOf<Schema>, Source> {
  // A role with no caller to judge would guard nothing: such a route is a programming error.
  if (spec.role && !spec.caller) throw new Error("httpRoute: a route that needs a role needs a caller source");
  const middlewares: RequestMiddleware[] = [];
  if (spec.caller) middlewares.push(callerFrom(spec.caller, spec.role));
  if (spec.body) middlewares.push(requestBody(spec.body, { forms: spec.forms }));
  // The middlewares turn the raw event into the route's event; the types say so once, here.
  return httpChain(middlewares) as unknown as Route<BodyOf<Schema>, Source>;
}
