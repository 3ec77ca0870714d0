import type { JSONSchema } from "json-schema-to-ts";
import type { CallerSource, RouteSpec } from "../http/route.ts";
import type { ObjectSchema } from "../validation/input-schema.ts";

// What the route table (lib/routes/routes.ts) says of one route: the spec its handler is built from
// (httpRoute: body schema, forms, caller, role) and what the OpenAPI description says besides.
// Plain data only, so that a handler bundles its own route's entry and nothing more.

export type HttpMethod = "get" | "post" | "put" | "delete";

/** One error response a route documents: a short summary and the `message` it sends. */
export interface DocumentedError {
  summary: string;
  message: string;
  /** Each field's problem, where the answer names fields. */
  errors?: readonly { field: string; message: string }[];
}

/** A successful answer: its body as JSON, plain text, HTML, JavaScript or CSS, or none (204). */
export interface SuccessResponse {
  description: string;
  /** The media types answered, each with its body's schema (none: an empty body). */
  content?: Readonly<Record<string, JSONSchema>>;
  example?: unknown;
}

export interface Parameter {
  description: string;
  schema: JSONSchema;
  /** The error response to a bad value of it, when the route checks one. */
  error?: DocumentedError;
}

export interface RouteDescription extends RouteSpec<ObjectSchema | undefined, CallerSource | undefined> {
  method: HttpMethod;
  /** The path as OpenAPI writes it: `/api/admin/users/{id}/roles`. */
  path: string;
  /** The serverless.yml function that serves it. */
  function: string;
  operationId: string;
  tag: "auth" | "pages" | "admin" | "boards" | "docs" | "keys";
  summary: string;
  description: string;
  /** The body's example, shown by the docs page and filled into its "try it". */
  bodyExample?: Readonly<Record<string, unknown>>;
  pathParameters?: Readonly<Record<string, Parameter>>;
  query?: Readonly<Record<string, Parameter>>;
  /**
   * Reads a Bearer token when one is sent, without requiring it, in the handler rather than as its
   * caller: signout reads it only for `{all: true}`, so an expired token sent along with
   * `{refreshToken}` does not stop a signout (signup's `caller: "optional-bearer"` always reads it).
   */
  optionalBearer?: boolean;
  /** The database or Secrets Manager is behind it: 503 when either is away. */
  usesBackends?: boolean;
  success: { status: 200 | 201 | 202 | 204 } & SuccessResponse;
  /** When it answers 301 to `Location`, and why. */
  moved?: string;
  /** The route's own error responses by status; lib/openapi/openapi.ts adds those every route of its kind has. */
  errors?: Readonly<Partial<Record<400 | 401 | 403 | 404 | 409 | 429, readonly DocumentedError[]>>>;
}
