import { roleRequiredMessage } from "../auth/roles.ts";
import { describeFieldError, INVALID_TOKEN, SERVICE_UNAVAILABLE, type FieldError } from "../errors.ts";
import { BODY_NOT_JSON, BODY_TOO_LARGE, MAX_BODY_BYTES, unsupportedContentType } from "../http/request-body.ts";
import { signinResponseSchema, tokenPairSchema } from "../sessions/responses.ts";
import { changePasswordSchema, refreshSchema, signinSchema, signoutSchema } from "../sessions/schemas.ts";
import { rolesViewSchema, signupResponseSchema, userPageSchema, userViewSchema } from "../users/responses.ts";
import { rolesUpdateSchema, signupSchema } from "../users/schemas.ts";
import type { DocumentedError, RouteDescription } from "../routes/route-description.ts";
import { ROUTES } from "../routes/routes.ts";
import { IS_REQUIRED, NOT_A_KNOWN_FIELD, NOT_A_KNOWN_PARAMETER } from "../validation/field-errors.ts";

// The OpenAPI 3.1 description, generated from the route table: the bodies' schemas are the ones
// the handlers validate with, the answers' schemas the ones their types come from. `npm run
// openapi` writes it to openapi.json, which GET /api/docs/openapi.json serves; a test fails while
// that file is not what this module makes today.

export const OPENAPI_VERSION = "3.1.0";
/** The API's version: package.json's (a unit test holds them together). */
export const API_VERSION = "0.1.0";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export type OpenApiDocument = JsonObject & { openapi: string; paths: Record<string, Record<string, JsonObject>> };

/** Schemas the description names in components.schemas, found in it by identity. */
const NAMED_SCHEMAS: Record<string, object> = {
  SignupRequest: signupSchema,
  SigninRequest: signinSchema,
  RefreshRequest: refreshSchema,
  SignoutRequest: signoutSchema,
  PasswordChangeRequest: changePasswordSchema,
  RolesUpdateRequest: rolesUpdateSchema,
  SignupAnswer: signupResponseSchema,
  SigninAnswer: signinResponseSchema,
  TokenPair: tokenPairSchema,
  User: userViewSchema,
  UserPage: userPageSchema,
  UserRoles: rolesViewSchema,
};

const FIELD_ERROR_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["field", "message"],
  properties: {
    field: { type: "string", description: "The field, parameter or path (`roles.2`) at fault." },
    message: { type: "string", description: "Its problem, in words that follow the field's name." },
  },
} as const;

/**
 * Every error response's body. Closed, so that the tests fail on an answer that says more (a stack, a
 * cause); clients should still ignore fields they do not know, which a later version may add.
 */
const ERROR_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["message"],
  properties: {
    message: { type: "string", description: "What went wrong, in words a person can act on." },
    errors: {
      type: "array",
      description: "Each field's problem, when the request's fields are at fault (400, 409); at most 5.",
      items: { $ref: "#/components/schemas/FieldError" },
    },
  },
} as const;

const SERVERS: Json[] = [
  { url: "http://localhost:3000/dev", description: "`npm start` (serverless-offline)" },
  {
    url: "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}",
    description: "A deployed stage (`sls deploy --stage <stage>` prints its URL)",
    variables: {
      restApiId: { default: "your-api-id", description: "The REST API's id" },
      region: { default: "us-east-1" },
      stage: { default: "prod" },
    },
  },
];

const DESCRIPTION = `Signup, signin, sessions, admin user management and role-protected boards, each route an AWS Lambda behind API Gateway.

**Authentication.** \`POST /api/auth/signin\` answers an access token (a JWT, valid for \`expiresIn\` seconds) and a refresh token. Send the access token as \`Authorization: Bearer <accessToken>\`; trade the refresh token at \`POST /api/auth/refresh\` for a new pair before the access token expires.

**Errors.** Every refusal is JSON: \`{"message": "..."}\`, a sentence a person can act on, and for bad fields also \`"errors": [{"field", "message"}]\`. A 429 may carry \`Retry-After\` (seconds).

**Limits.** Request bodies are at most ${MAX_BODY_BYTES / 1024} KB of UTF-8 JSON (signup and signin also take forms). Each stage throttles every route, and the credential routes more strictly.`;

/** Replaces every named schema inside `value` (not `value` itself) by a $ref to it. */
function withRefs(value: unknown, top = true): Json {
  if (Array.isArray(value)) return value.map((item) => withRefs(item, false));
  if (typeof value !== "object" || value === null) return value as Json;
  if (!top) {
    const name = Object.keys(NAMED_SCHEMAS).find((key) => NAMED_SCHEMAS[key] === value);
    if (name) return { $ref: `#/components/schemas/${name}` };
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withRefs(item, false)]));
}

/** `schema` itself as a $ref when it is named, else with the named schemas inside it as $refs. */
const ref = (schema: unknown): Json => (withRefs({ schema }) as JsonObject).schema ?? null;

function errorExamples(errors: readonly DocumentedError[]): JsonObject {
  const examples: JsonObject = {};
  errors.forEach((error, index) => {
    const value: JsonObject = { message: error.message };
    if (error.errors) value.errors = error.errors.map((fieldError) => ({ ...fieldError }));
    examples[`refusal${index + 1}`] = { summary: error.summary, value };
  });
  return examples;
}

function bodyErrors(route: RouteDescription): Partial<Record<number, DocumentedError[]>> {
  if (!route.body) return {};
  const firstRequired = route.body.required?.[0];
  const fieldError: FieldError = firstRequired ? { field: firstRequired, message: IS_REQUIRED } : { field: "x", message: NOT_A_KNOWN_FIELD };
  const invalid: DocumentedError[] = [
    { summary: "A field is missing or invalid", message: describeFieldError(fieldError), errors: [fieldError] },
    { summary: "The body is not JSON", message: BODY_NOT_JSON },
  ];
  return {
    400: invalid,
    413: [{ summary: `The body is over ${MAX_BODY_BYTES / 1024} KB`, message: BODY_TOO_LARGE }],
    415: [{ summary: "Another Content-Type, or a charset other than UTF-8", message: unsupportedContentType({ forms: route.forms }) }],
  };
}

/** The errors a route has by its kind (body, parameters, authorizer, role, backends), then its own. */
function errorsOf(route: RouteDescription): Map<number, DocumentedError[]> {
  const byStatus = new Map<number, DocumentedError[]>();
  const add = (status: number, errors: readonly DocumentedError[] = []) => {
    if (errors.length > 0) byStatus.set(status, [...(byStatus.get(status) ?? []), ...errors]);
  };
  for (const [status, errors] of Object.entries(bodyErrors(route))) add(Number(status), errors);
  const parameters = [...Object.values(route.pathParameters ?? {}), ...Object.values(route.query ?? {})];
  add(400, parameters.flatMap((parameter) => (parameter.error ? [parameter.error] : [])));
  if (route.query) {
    const unknown = { field: "page", message: NOT_A_KNOWN_PARAMETER };
    add(400, [{ summary: "An unknown or repeated query parameter", message: describeFieldError(unknown), errors: [unknown] }]);
  }
  if (route.caller === "authorizer") {
    add(401, [{ summary: "No Bearer token, or one that is malformed, expired or forged (API Gateway's authorizer)", message: INVALID_TOKEN }]);
  }
  if (route.role) add(403, [{ summary: `The token does not carry the \`${route.role}\` role`, message: roleRequiredMessage(route.role) }]);
  for (const [status, errors] of Object.entries(route.errors ?? {})) add(Number(status), errors);
  add(429, [{ summary: "Over the stage's throttle (API Gateway)", message: "Too many requests: slow down and try again in a few seconds" }]);
  if (route.usesBackends) add(503, [{ summary: "The database or Secrets Manager cannot serve now: try again later", message: SERVICE_UNAVAILABLE }]);
  if (route.caller === "authorizer") {
    add(503, [{ summary: "The authorizer cannot check tokens now (the JWT key out of reach): try again later", message: SERVICE_UNAVAILABLE }]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function errorResponse(status: number, errors: DocumentedError[]): JsonObject {
  const answer: JsonObject = {
    description: errors.length === 1 ? `${errors[0]?.summary}.` : errors.map((error) => `- ${error.summary}`).join("\n"),
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, examples: errorExamples(errors) } },
  };
  if (status === 429) {
    answer.headers = {
      "Retry-After": { description: "Seconds to wait before the next attempt (on a lockout).", schema: { type: "integer", minimum: 1 } },
    };
  }
  return answer;
}

function successResponse(route: RouteDescription): JsonObject {
  const { description, content, example } = route.success;
  if (!content) return { description };
  const media: JsonObject = {};
  for (const [type, schema] of Object.entries(content)) {
    media[type] = example === undefined ? { schema: ref(schema) } : { schema: ref(schema), example: withRefs(example) };
  }
  return { description, content: media };
}

function parameters(route: RouteDescription): Json[] {
  const inPath = Object.entries(route.pathParameters ?? {}).map(([name, parameter]) => ({
    name,
    in: "path",
    required: true,
    description: parameter.description,
    schema: withRefs(parameter.schema),
  }));
  const inQuery = Object.entries(route.query ?? {}).map(([name, parameter]) => ({
    name,
    in: "query",
    description: parameter.description,
    schema: withRefs(parameter.schema),
  }));
  return [...inPath, ...inQuery];
}

function requestBody(route: RouteDescription): JsonObject | undefined {
  if (!route.body) return undefined;
  const schema = ref(route.body);
  const example = route.bodyExample ? withRefs(route.bodyExample) : undefined;
  const json: JsonObject = example === undefined ? { schema } : { schema, example };
  const content: JsonObject = { "application/json": json };
  if (route.forms) content["application/x-www-form-urlencoded"] = json;
  return { required: true, content };
}

/**
 * Bearer required (the authorizer), optional (read when sent), or none: OpenAPI's `{}` is "no
 * security". Optional lists the token first: Postman's importer takes the first requirement, and
 * signup with roles and signout with `all` need the token (an empty one sends no header).
 */
function security(route: RouteDescription): Json[] {
  if (route.caller === "authorizer") return [{ bearerAuth: [] }];
  if (route.caller === "optional-bearer" || route.optionalBearer) return [{ bearerAuth: [] }, {}];
  return [];
}

function operation(route: RouteDescription): JsonObject {
  const responses: JsonObject = { [String(route.success.status)]: successResponse(route) };
  if (route.moved) {
    responses["301"] = { description: route.moved, headers: { Location: { description: "Where to go instead (relative).", required: true, schema: { type: "string" } } } };
  }
  for (const [status, errors] of errorsOf(route)) responses[String(status)] = errorResponse(status, errors);
  const body = requestBody(route);
  const params = parameters(route);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: security(route),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/** The description of `routes` (the whole table unless given). */
export function openApiDocument(routes: readonly RouteDescription[] = ROUTES): OpenApiDocument {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  const schemas: JsonObject = { Error: ERROR_SCHEMA as unknown as Json, FieldError: FIELD_ERROR_SCHEMA as unknown as Json };
  for (const [name, schema] of Object.entries(NAMED_SCHEMAS)) schemas[name] = withRefs(schema);
  return {
    openapi: OPENAPI_VERSION,
    info: { title: "Serverless Auth API", version: API_VERSION, description: DESCRIPTION, license: { name: "MIT", identifier: "MIT" } },
    servers: SERVERS,
    tags: [
      { name: "auth", description: "Accounts and sessions" },
      { name: "pages", description: "The pages mailed links open, when the stage names no front end" },
      { name: "admin", description: "User management (admins only)" },
      { name: "boards", description: "The tutorial's role-protected boards (plain text)" },
      { name: "docs", description: "This description and its docs page" },
      { name: "keys", description: "The public keys other services verify access tokens with" },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The `accessToken` of signin or refresh." },
      },
      schemas,
    },
  };
}
