import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { openApiDocument } from "../../lib/openapi/openapi.ts";
import { assertConforms } from "./contract.ts";

// The e2e client checks every HTTP answer against the description (test/support/http.ts); this
// checks a handler's answer to a Lambda event the same way, for answers only event shapes can
// provoke (a database or Secrets Manager away).

/** Throws, naming each problem, unless the description allows `answer` to `event`. */
export function assertAnswerConforms(event: APIGatewayProxyEvent, answer: APIGatewayProxyResult): void {
  const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name, String(value)]));
  assertConforms(openApiDocument(), {
    method: event.httpMethod,
    path: event.path,
    status: answer.statusCode,
    contentType: headers["Content-Type"] ?? null,
    body: answer.body,
    headers,
  });
}
