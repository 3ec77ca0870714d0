import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import * as formats from "ajv-formats";

// Checks one HTTP answer against an OpenAPI 3.1 description: the operation (method and path),
// the documented status, the content type, the body against the media type's schema, and the
// required response headers. The e2e client (test/support/http.ts) runs it on every answer, so a
// handler that answers something undocumented fails the test that met it.

/** The parts of an OpenAPI 3.1 document the checker reads; anything else is carried along. */
export interface OpenApiDocument {
  openapi: string;
  paths?: Record<string, unknown>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ObservedResponse {
  method: string;
  /** The request's path or full URL, query string allowed (it is ignored). */
  path: string;
  status: number;
  /** The Content-Type header as received; null or absent when there was none. */
  contentType?: string | null;
  body: string;
  /** Header lookups are case-insensitive, as fetch's Headers are. */
  headers?: Headers | Record<string, string>;
}

export interface CheckOptions {
  /**
   * What comes before the described paths in `path`: a base URL (`http://127.0.0.1:3000/dev`) or
   * a path prefix (`/dev`, the stage). Stripped when `path` starts with it.
   */
  base?: string;
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const BODY_SHOWN_CHARS = 500;

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- paths ------------------------------------------------------------------------------------

const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The path alone: without the base, the query string or a fragment. */
function describedPath(path: string, base?: string): string {
  let rest = path;
  if (URL_START.test(rest) && base && !URL_START.test(base)) rest = new URL(rest).pathname;
  const prefix = base?.replace(/\/+$/, "");
  // Only whole segments: a base of /dev leaves /devices alone.
  if (prefix && rest.startsWith(prefix) && /^([/?#]|$)/.test(rest.slice(prefix.length))) rest = rest.slice(prefix.length);
  if (URL_START.test(rest)) rest = new URL(rest).pathname;
  rest = rest.replace(/[?#].*$/s, "");
  return rest.startsWith("/") ? rest : `/${rest}`;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A template segment (`{id}`, `user-{id}.json`, `users`) as a regular expression. */
function segmentPattern(segment: string): RegExp {
  const source = segment
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

interface PathMatch {
  template: string;
  /** The path item, and where it sits in the document (its `$ref` followed). */
  item: Located;
  /** Per segment, whether it is literal: a literal beats a template at the first place they differ. */
  literal: boolean[];
}

/** The described path that `path` falls under; literal segments win over templated ones. */
function matchPath(doc: OpenApiDocument, path: string): PathMatch | undefined {
  const segments = path.split("/").slice(1);
  const matches: PathMatch[] = [];
  for (const template of Object.keys(doc.paths ?? {})) {
    const templateSegments = template.split("/").slice(1);
    if (templateSegments.length !== segments.length) continue;
    const fits = templateSegments.every((part, index) => {
      const segment = segments[index]!;
      return part.includes("{") ? segmentPattern(part).test(segment) : decoded(segment) === part;
    });
    const item = fits ? located(doc, ["paths", template]) : undefined;
    if (item) matches.push({ template, item, literal: templateSegments.map((part) => !part.includes("{")) });
  }
  return matches.sort((a, b) => {
    const at = a.literal.findIndex((literal, index) => literal !== b.literal[index]);
    return at === -1 ? 0 : a.literal[at] ? -1 : 1;
  })[0];
}

// ---- references -------------------------------------------------------------------------------

/** A key as one token of a JSON pointer (`/` and `~` escaped). */
export function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A `#/…` JSON pointer into the document, as Ajv reads it inside a URI (percent-encoded). */
function uriPointer(keys: string[]): string {
  return `#/${keys.map((key) => encodeURIComponent(pointerToken(key))).join("/")}`;
}

interface Located {
  node: Node;
  /** Where `node` sits in the document: schemas are compiled from there. */
  keys: string[];
}

/**
 * The object at `keys`, following local `$ref`s (Reference Objects: path items, responses,
 * headers); undefined when something on the way is missing or not an object.
 */
function located(doc: OpenApiDocument, keys: string[], seen = new Set<string>()): Located | undefined {
  let node: unknown = doc;
  for (const key of keys) node = isNode(node) ? node[key] : undefined;
  if (!isNode(node)) return undefined;
  const ref = node.$ref;
  if (typeof ref !== "string") return { node, keys };
  if (!ref.startsWith("#/") || seen.has(ref)) return undefined;
  seen.add(ref);
  const target = ref.slice(2).split("/").map((token) => decoded(token).replace(/~1/g, "/").replace(/~0/g, "~"));
  return located(doc, target, seen);
}

// ---- schemas ----------------------------------------------------------------------------------

const DOCUMENT_ID = "urn:contract:openapi";
/** The OpenAPI 3.1 dialect's keywords beyond JSON Schema 2020-12 (`example` is deprecated but allowed). */
const OPENAPI_KEYWORDS = ["discriminator", "xml", "externalDocs", "example"];

interface CompiledDocument {
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
}

const compiled = new WeakMap<OpenApiDocument, CompiledDocument>();

/** Every `x-…` key in the document: specification extensions, which Ajv must take as keywords. */
function extensionKeys(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) extensionKeys(item, found);
  else if (isNode(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) found.add(key);
      extensionKeys(value, found);
    }
  }
  return found;
}

function compiledDocument(doc: OpenApiDocument): CompiledDocument {
  let entry = compiled.get(doc);
  if (!entry) {
    // Strict about keywords, so that a misspelt one (`additionalproperties`) fails loudly instead
    // of checking nothing. Known besides JSON Schema's: OpenAPI's schema keywords, the document's
    // extensions, and the fields of the document's root, which Ajv compiles as a schema too when
    // a reference leads into it. Types and tuples are not policed: valid 3.1 schemas trip those.
    const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
    formats.default(ajv);
    for (const keyword of new Set([...OPENAPI_KEYWORDS, ...Object.keys(doc), ...extensionKeys(doc)])) {
      if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
    }
    // The whole document under one id: `#/components/…` references inside any schema resolve
    // against it, wherever the schema sits. A copy, so that the $id stays out of the caller's.
    ajv.addSchema({ ...structuredClone(doc), $id: DOCUMENT_ID }, undefined, undefined, false);
    entry = { ajv, validators: new Map() };
    compiled.set(doc, entry);
  }
  return entry;
}

function validatorAt(doc: OpenApiDocument, keys: string[]): ValidateFunction {
  const { ajv, validators } = compiledDocument(doc);
  const ref = `${DOCUMENT_ID}${uriPointer(keys)}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

/** What makes `value` fail the schema at `keys` in the document, in words that name no value. */
export function schemaProblems(doc: OpenApiDocument, keys: string[], value: unknown): string[] {
  let validate: ValidateFunction;
  try {
    validate = validatorAt(doc, keys);
  } catch (error) {
    return [`the schema at ${uriPointer(keys)} cannot be compiled: ${(error as Error).message}`];
  }
  if (validate(value)) return [];
  // Ajv's messages name paths and rules, never the values themselves (verbose is off).
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath === "" ? "the body" : `the body at ${error.instancePath}`;
    const extra = "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : "";
    return `${where} ${error.message ?? "is invalid"}${extra}`;
  });
}

// ---- media types and headers ------------------------------------------------------------------

function essence(mediaType: string): string {
  return mediaType.split(";")[0]!.trim().toLowerCase();
}

function isJson(mediaTypeEssence: string): boolean {
  return mediaTypeEssence === "application/json" || mediaTypeEssence.endsWith("+json");
}

/** The documented media type key that fits the received type: an exact essence before a range. */
function documentedMediaType(content: Node, received: string): string | undefined {
  const keys = Object.keys(content);
  const [type] = received.split("/");
  return (
    keys.find((key) => essence(key) === received) ??
    keys.find((key) => essence(key) === `${type}/*`) ??
    keys.find((key) => essence(key) === "*/*")
  );
}

function headerOf(headers: ObservedResponse["headers"], name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found ? found[1] : null;
}

// ---- the check --------------------------------------------------------------------------------

/** The documented response key for `status`: the exact code, then its `NXX` range, then `default`. */
function documentedStatus(responses: Node, status: number): string | undefined {
  const range = `${String(status).charAt(0)}XX`;
  return [String(status), range, range.toLowerCase(), "default"].find((key) => key in responses);
}

/** The described operation a request falls under (its `$ref`s followed), if any. */
export function operationOf(doc: OpenApiDocument, request: { method: string; path: string }, options: CheckOptions = {}): Record<string, unknown> | undefined {
  const match = matchPath(doc, describedPath(request.path, options.base));
  const method = request.method.toLowerCase();
  return match && METHODS.has(method) ? located(doc, [...match.item.keys, method])?.node : undefined;
}

/** What differs between `response` and the description; empty when it conforms. */
export function responseProblems(doc: OpenApiDocument, response: ObservedResponse, options: CheckOptions = {}): string[] {
  const path = describedPath(response.path, options.base);
  const method = response.method.toLowerCase();
  const request = `${response.method.toUpperCase()} ${path}`;
  const match = matchPath(doc, path);
  if (!match) return [`no path of the description matches ${path}`];
  const operation = METHODS.has(method) ? located(doc, [...match.item.keys, method]) : undefined;
  if (!operation) {
    const documented = Object.keys(match.item.node).filter((key) => METHODS.has(key)).map((key) => key.toUpperCase());
    return [`${match.template} has no ${response.method.toUpperCase()} operation (documented: ${documented.join(", ") || "none"})`];
  }
  const responses = isNode(operation.node.responses) ? operation.node.responses : {};
  const statusKey = documentedStatus(responses, response.status);
  if (statusKey === undefined) {
    return [`status ${response.status} is not documented for ${request} (${match.template} documents ${Object.keys(responses).join(", ")})`];
  }
  const documented = located(doc, [...operation.keys, "responses", statusKey]);
  if (!documented) return [`the response ${statusKey} of ${match.template} is a reference that leads nowhere`];

  const problems: string[] = [];
  const headers = isNode(documented.node.headers) ? documented.node.headers : {};
  for (const name of Object.keys(headers)) {
    // OpenAPI: a Content-Type entry among the headers is ignored.
    if (name.toLowerCase() === "content-type") continue;
    const header = located(doc, [...documented.keys, "headers", name]);
    if (header?.node.required === true && headerOf(response.headers, name) === null) problems.push(`the required header ${name} is missing`);
  }

  const content = isNode(documented.node.content) ? documented.node.content : {};
  if (Object.keys(content).length === 0) {
    if (response.body !== "") problems.push(`the response ${statusKey} is documented without a body, but one came (${response.body.length} characters)`);
    return problems;
  }
  const documentedTypes = Object.keys(content).join(", ");
  if (!response.contentType) return [...problems, `no Content-Type came (documented: ${documentedTypes})`];
  const received = essence(response.contentType);
  const mediaKey = documentedMediaType(content, received);
  if (mediaKey === undefined) return [...problems, `the Content-Type ${response.contentType} is not documented (documented: ${documentedTypes})`];
  const mediaType = content[mediaKey];
  if (!isNode(mediaType) || mediaType.schema === undefined) return problems;
  const schemaKeys = [...documented.keys, "content", mediaKey, "schema"];
  if (isJson(received)) {
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [...problems, `the body is not JSON although the Content-Type says ${response.contentType}`];
    }
    return [...problems, ...schemaProblems(doc, schemaKeys, body)];
  }
  // Text is checked as the string it is (a board's `type: string`, an `enum` of its lines).
  if (received.startsWith("text/")) return [...problems, ...schemaProblems(doc, schemaKeys, response.body)];
  return problems;
}

// ---- reporting --------------------------------------------------------------------------------

// Keys whose values are credentials: accessToken, refreshToken, token, password, newPassword…
// (not tokenType, whose "Bearer" helps to read a failure).
const SECRET_KEY = /token$|password|secret|authorization|cookie/i;
// Anywhere in the text: JWTs (three base64url parts, the first two JSON), this API's refresh tokens
// (id.secret), and the passwords test/support/http.ts newAccount() makes.
const SECRET_SHAPES = [/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, /\b[0-9a-f]{32}\.[\w-]{43}\b/g, /pw-[\w.-]+-secret/g];

function redactedValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactedValue);
  if (isNode(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? "[redacted]" : redactedValue(item)]));
  }
  return value;
}

/** The body as it may be shown in a test's failure: secrets replaced, cut to a few lines. */
export function redactedBody(body: string): string {
  let shown = body;
  try {
    shown = JSON.stringify(redactedValue(JSON.parse(body)));
  } catch {
    // Not JSON: only the shapes below apply.
  }
  for (const shape of SECRET_SHAPES) shown = shown.replace(shape, "[redacted]");
  return shown.length > BODY_SHOWN_CHARS ? `${shown.slice(0, BODY_SHOWN_CHARS)}… (${shown.length} characters)` : shown;
}

export class ContractViolation extends Error {
  constructor(readonly problems: string[], response: ObservedResponse, options: CheckOptions) {
    const request = `${response.method.toUpperCase()} ${describedPath(response.path, options.base)}`;
    super(
      [
        `${request} answered ${response.status} (${response.contentType ?? "no Content-Type"}), which the OpenAPI description does not allow:`,
        ...problems.map((problem) => `  - ${problem}`),
        `  body: ${redactedBody(response.body)}`,
      ].join("\n"),
    );
    this.name = "ContractViolation";
  }
}

/** Throws a ContractViolation listing what differs, unless `response` conforms. */
export function assertConforms(doc: OpenApiDocument, response: ObservedResponse, options: CheckOptions = {}): void {
  const problems = responseProblems(doc, response, options);
  if (problems.length > 0) throw new ContractViolation(problems, response, options);
}
