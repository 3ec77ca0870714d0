import middy from "@middy/core";
import httpCors from "@middy/http-cors";
import httpErrorHandler from "@middy/http-error-handler";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpSecurityHeaders from "@middy/http-security-headers";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { corsOrigins } from "../config.ts";
import { jsonErrors } from "./json-errors.ts";

// The middy chain every HTTP route shares. onError hooks run in reverse .use() order: jsonErrors
// shapes the error, http-error-handler answers it, then CORS and security headers are added to
// that answer too, so a browser can read a 400 as well as a 200.

type Chain<Event> = middy.MiddyfiedHandler<Event, APIGatewayProxyResult>;

const INTERNAL_ERROR = JSON.stringify({ message: "Internal server error" });

/** Logs only what the client cannot be told: 4xx answers are expected, not incidents. */
function logUnexpected(error: Error & { statusCode?: number }): void {
  if (error.statusCode !== undefined && error.statusCode < 500) return;
  console.error(JSON.stringify({ level: "error", name: error.name, message: error.message, stack: error.stack }));
}

/**
 * The shared chain, with `parse` (body parsing and validation) in the middle: after the headers
 * are normalized, before errors are mapped.
 */
export function httpChain<Event = APIGatewayProxyEvent>(parse?: (chain: Chain<Event>) => Chain<Event>): Chain<Event> {
  const chain = middy<Event, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use(httpCors({ origins: corsOrigins() }));
  return (parse ? parse(chain) : chain)
    .use(httpErrorHandler({ logger: logUnexpected, fallbackMessage: INTERNAL_ERROR }))
    .use(jsonErrors());
}
