// @ts-check
// `sls offline` only: makes serverless-offline's HTTP server answer where API Gateway would
// answer itself, as the deployed stage does, so that a front end meets locally what it meets on
// AWS. serverless-offline has options for the CORS headers of its hapi routes (custom.
// serverless-offline in serverless.yml sets them), but none for the rest:
// - CORS: its own onPreResponse step reflects any Origin with credentials on every answer, and
//   it answers every preflight, routes that do not exist included. Here a preflight gets what
//   osls's mock OPTIONS method answers on AWS (only where serverless.yml declares `cors`), and
//   every other answer keeps exactly the CORS headers its handler set, as API Gateway passes them.
// - Its own answers: the authorizer's refusal ({"statusCode":401,"error":"Unauthorized",...}) and
//   its 404 for an unknown route become the stage's gateway responses, read from the service's
//   resources (resources/gateway-responses.yml, as osls merged them) rather than copied here.
// - The trailing slash: hapi strips it before routing; API Gateway passes the path as requested
//   (GET /api/docs/ reaches the docs function as /api/docs/, which redirects).
// Written here because serverless-offline has no extension point for any of this; it reaches
// the hapi server through hapi's public `ext` API, installed when serverless-offline starts it.
import { createRequire } from "node:module";

const STATE = Symbol("local-gateway");

// What API Gateway answers for the response types this emulation meets, when the stage does not
// set their status or template (API Gateway's documentation, "Gateway response types").
const GATEWAY_DEFAULTS = {
  UNAUTHORIZED: { status: 401, message: "Unauthorized" },
  ACCESS_DENIED: { status: 403, message: "User is not authorized to access this resource" },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: "Missing Authentication Token" },
  REQUEST_TOO_LARGE: { status: 413, message: "Request Too Long" },
  DEFAULT_4XX: { status: 400, message: "Bad Request" },
  DEFAULT_5XX: { status: 500, message: "Internal server error" },
};

/** @typedef {keyof typeof GATEWAY_DEFAULTS} ResponseType */
/** @typedef {{ status: number, headers: Record<string, string>, body: string }} Answer */
/** @typedef {{ pattern: RegExp, origins: string[], headers: string[], methods: string[], allowCredentials: boolean, maxAge?: number }} Preflight */

export default class LocalGatewayPlugin {
  /**
   * @param {any} serverless
   * @param {Record<string, unknown>} options
   */
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      // Before serverless-offline reads the functions' events and builds its routes.
      "before:offline:start:init": () => this.install(),
    };
  }

  install() {
    const service = this.serverless.service;
    const stage = this.serverless.getProvider("aws").getStage();
    const preflights = this.takePreflights(stage);
    const gateway = gatewayResponses(service.resources?.Resources ?? {});
    const offlineOptions = service.custom?.["serverless-offline"] ?? {};
    const httpPort = String(this.options.httpPort ?? offlineOptions.httpPort ?? 3000);

    // serverless-offline creates and starts its hapi servers itself: extend the HTTP one (not the
    // Lambda invoke one) as it starts, after serverless-offline's own steps, so ours run last.
    const hapi = createRequire(import.meta.url)("@hapi/hapi");
    const prototype = Object.getPrototypeOf(hapi.server());
    const start = prototype.start;
    prototype.start = function (/** @type {unknown[]} */ ...args) {
      if (String(this.settings.port) === httpPort && !this.app[STATE]) {
        this.app[STATE] = true;
        extend(this, preflights, gateway);
      }
      return start.apply(this, args);
    };
  }

  /**
   * The preflight each path answers, as osls compiles it (one OPTIONS method per path with
   * `cors`, the union of its events' settings); the events lose their `cors`, so that neither
   * hapi nor serverless-offline answers CORS for them.
   * @param {string} stage
   * @returns {Preflight[]}
   */
  takePreflights(stage) {
    /** @type {Map<string, Preflight>} */
    const byPath = new Map();
    const service = this.serverless.service;
    for (const name of service.getAllFunctions()) {
      for (const event of service.getFunction(name).events ?? []) {
        const http = event.http;
        if (!http?.cors) continue;
        const cors = http.cors === true ? {} : http.cors;
        const path = `/${stage}/${String(http.path).replace(/^\/+/, "")}`;
        const entry = byPath.get(path) ?? { pattern: pathPattern(path), origins: [], headers: [], methods: ["OPTIONS"], allowCredentials: false };
        const origins = cors.origins ?? String(cors.origin ?? "*").split(",");
        entry.origins = union(entry.origins, origins.map((/** @type {string} */ origin) => origin.trim()));
        entry.headers = union(entry.headers, cors.headers ?? []);
        entry.methods = union(entry.methods, [String(http.method).toUpperCase()]);
        entry.allowCredentials ||= Boolean(cors.allowCredentials);
        if (cors.maxAge) entry.maxAge = cors.maxAge;
        byPath.set(path, entry);
        delete http.cors;
      }
    }
    return [...byPath.values()];
  }
}

/**
 * @param {any} server a hapi server
 * @param {Preflight[]} preflights
 * @param {(type: ResponseType) => Answer} gateway
 */
function extend(server, preflights, gateway) {
  /** @param {any} h @param {Answer} answer */
  const respond = (h, answer) => {
    const response = h.response(answer.body).code(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) response.header(name, value);
    return response;
  };

  // Before routing: preflights (API Gateway's OPTIONS methods), and its 403 for a method or path
  // the API does not have, where serverless-offline's catch-all route would answer its own 404.
  server.ext("onRequest", (/** @type {any} */ request, /** @type {any} */ h) => {
    let answer;
    if (request.method === "options") {
      const preflight = preflights.find((entry) => entry.pattern.test(request.path));
      answer = preflight ? preflightAnswer(preflight, request.headers.origin) : gateway("MISSING_AUTHENTICATION_TOKEN");
    } else {
      const route = server.match(request.method, request.path);
      if (route && route.path !== "/{p*}") return h.continue;
      answer = gateway("MISSING_AUTHENTICATION_TOKEN");
    }
    request.app[STATE] = answer;
    return respond(h, answer).takeover();
  });

  // The path as requested, trailing slash included, for the function's event.
  server.ext("onPreHandler", (/** @type {any} */ request, /** @type {any} */ h) => {
    const requested = String(request.raw.req.url).split("?")[0] ?? "";
    if (requested.length > 1 && requested.endsWith("/") && requested.replace(/\/+$/, "") === request.path) request.path = requested;
    return h.continue;
  });

  // The handler's own status and headers, before serverless-offline changes them.
  server.ext("onPostHandler", (/** @type {any} */ request, /** @type {any} */ h) => {
    if (!request.response.isBoom) request.app[STATE] = { status: request.response.statusCode, headers: { ...request.response.headers } };
    return h.continue;
  });

  server.ext("onPreResponse", (/** @type {any} */ request, /** @type {any} */ h) => {
    const response = request.response;
    if (response.isBoom) {
      // Refused before any handler ran: the authorizer (401, or 403 for a policy that denies).
      const status = response.output.statusCode;
      const type = status === 401 ? "UNAUTHORIZED" : status === 403 ? "ACCESS_DENIED" : status === 413 ? "REQUEST_TOO_LARGE" : status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
      return respond(h, gateway(type));
    }
    // Exactly the status and CORS headers of the handler's answer or of ours (serverless-offline
    // answers 200 to every OPTIONS request).
    /** @type {{ status: number, headers: Record<string, string> } | undefined} */
    const answer = request.app[STATE];
    if (answer) response.statusCode = answer.status;
    const own = answer?.headers ?? {};
    for (const name of Object.keys(response.headers)) {
      if (!name.toLowerCase().startsWith("access-control-")) continue;
      const kept = Object.entries(own).find(([key]) => key.toLowerCase() === name.toLowerCase());
      if (kept) response.headers[name] = kept[1];
      else delete response.headers[name];
    }
    return h.continue;
  });
}

/**
 * osls's mock OPTIONS method: the first origin, or the caller's when it is one of several allowed.
 * @param {Preflight} preflight
 * @param {string | undefined} origin
 * @returns {Answer}
 */
function preflightAnswer(preflight, origin) {
  const matches = preflight.origins.length > 1 && origin !== undefined && preflight.origins.some((allowed) => originPattern(allowed).test(origin));
  /** @type {Record<string, string>} */
  const headers = {
    "Content-Type": "application/json",
    "Access-Control-Allow-Origin": matches && origin ? origin : (preflight.origins[0] ?? "*"),
    "Access-Control-Allow-Headers": preflight.headers.join(","),
    "Access-Control-Allow-Methods": preflight.methods.join(","),
  };
  if (preflight.allowCredentials) headers["Access-Control-Allow-Credentials"] = "true";
  if (preflight.maxAge) headers["Access-Control-Max-Age"] = String(preflight.maxAge);
  return { status: 200, headers, body: "" };
}

/**
 * The stage's gateway responses, from its CloudFormation resources: a response type without one
 * of its own falls back to DEFAULT_4XX or DEFAULT_5XX, then to API Gateway's defaults.
 * @param {Record<string, any>} resources
 * @returns {(type: ResponseType) => Answer}
 */
function gatewayResponses(resources) {
  /** @type {Map<string, any>} */
  const byType = new Map();
  for (const resource of Object.values(resources)) {
    if (resource?.Type === "AWS::ApiGateway::GatewayResponse") byType.set(resource.Properties.ResponseType, resource.Properties);
  }
  return (type) => {
    const defaults = GATEWAY_DEFAULTS[type];
    const properties = byType.get(type) ?? byType.get(defaults.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX") ?? {};
    /** @type {Record<string, string>} */
    const headers = { "Content-Type": "application/json" };
    for (const [key, value] of Object.entries(properties.ResponseParameters ?? {})) {
      const literal = /^'(.*)'$/.exec(String(value));
      if (key.startsWith("gatewayresponse.header.") && literal) headers[key.slice("gatewayresponse.header.".length)] = literal[1] ?? "";
    }
    const template = properties.ResponseTemplates?.["application/json"] ?? '{"message":$context.error.messageString}';
    const body = String(template)
      .replaceAll("$context.error.messageString", JSON.stringify(defaults.message))
      .replaceAll("$context.error.message", defaults.message);
    return { status: Number(properties.StatusCode ?? defaults.status), headers, body };
  };
}

/** @param {string} path a resource path with {parameters} */
function pathPattern(path) {
  const parts = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

/** @param {string} origin an allowed origin, `*` standing for any characters (osls's rule) */
function originPattern(origin) {
  return new RegExp(`^${origin.replace(/[.+?^$()|[\]\\{}]/g, "\\$&").replace("*", ".+")}$`);
}

/** @param {string[]} left @param {string[]} right */
function union(left, right) {
  return [...new Set([...left, ...right])];
}
