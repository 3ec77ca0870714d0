import type middy from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import { databaseUnavailable } from "../db/unavailable.ts";
import { ApiError, ServiceUnavailableError } from "../errors.ts";
import { logger } from "../logger.ts";
import { SecretsManagerUnavailableError } from "../config/secrets-manager.ts";
import { json } from "./responses.ts";

// The one place errors become responses: an ApiError (thrown by lib/ or the body middleware) is a 4xx
// whose message the client may read; a database or Secrets Manager that is away or refuses us is
// a 503 (the client may try again); anything else is a generic 500. Both are logged with their
// cause, and neither answer carries anything of it. No 4xx is logged: it is the client's mistake.

const INTERNAL_ERROR = { message: "Internal server error" };

function responseFor(error: unknown): APIGatewayProxyResult {
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    // The cause in words (connection refused, access denied, …), its code and the driver's message
    // with any credentials cut out: what an operator needs, and nothing secret.
    logger.error("Database unavailable", { ...unavailable });
    return responseFor(new ServiceUnavailableError());
  }
  if (error instanceof SecretsManagerUnavailableError) {
    logger.error("Secrets Manager unavailable", {
      secret: error.arn,
      code: error.code,
      hint: "a function in a VPC reaches Secrets Manager through an interface VPC endpoint or a NAT gateway",
    });
    return responseFor(new ServiceUnavailableError());
  }
  if (error instanceof ApiError) {
    const body = error.errors ? { message: error.message, errors: error.errors } : { message: error.message };
    return json(error.statusCode, body, { headers: error.headers });
  }
  logger.error("Unexpected error", error instanceof Error ? error : String(error));
  return json(500, INTERNAL_ERROR);
}

export function errorResponses(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      request.response = responseFor(request.error);
    },
  };
}
