import type middy from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import { ApiError } from "../errors.ts";
import { logger } from "../logger.ts";
import { json } from "./responses.ts";

// The one place errors become answers: an ApiError (thrown by lib/ or the body reader) is a 4xx
// whose message the client may read; anything else is logged with its cause and answered with a
// generic 500 that carries nothing of it. No 4xx is logged: it is the client's mistake, not ours.

const INTERNAL_ERROR = { message: "Internal server error" };

export function answerFor(error: unknown): APIGatewayProxyResult {
  if (error instanceof ApiError) {
    const body = error.errors ? { message: error.message, errors: error.errors } : { message: error.message };
    return json(error.statusCode, body, { headers: error.headers });
  }
  logger.error("Unexpected error", error instanceof Error ? error : String(error));
  return json(500, INTERNAL_ERROR);
}

export function errorAnswers(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      request.response = answerFor(request.error);
    },
  };
}
