import { operationOf, type CheckOptions, type ObservedResponse, type OpenApiDocument } from "./contract.ts";

// Where serverless-offline answers in place of API Gateway and says it differently, the e2e tests
// check the answer API Gateway would give instead: only there, recognised by the exact answer.
//
// One such place: the authorizer's refusal. serverless-offline answers it itself with hapi's
// error body, {"statusCode":401,"error":"Unauthorized","message":"Unauthorized"} ("User is not
// authorized to access this resource" when there is no Authorization header at all), and without
// the gateway response's headers. API Gateway answers the stage's UNAUTHORIZED gateway response,
// {"message":"Invalid or expired token"} (serverless.yml GatewayResponseUnauthorized, whose
// template test/deploy/package.test.ts pins). Only a route behind the authorizer gets it: one whose
// description requires a token (a security requirement without an empty, anonymous alternative).
// The answer's headers are left as serverless-offline sent them.

const OFFLINE_REFUSAL_MESSAGES = new Set(["Unauthorized", "User is not authorized to access this resource"]);

export const GATEWAY_UNAUTHORIZED = { contentType: "application/json", body: '{"message":"Invalid or expired token"}' };

function isOfflineRefusal(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof parsed !== "object" || parsed === null) return false;
  const { statusCode, error, message, ...rest } = parsed as Record<string, unknown>;
  return statusCode === 401 && error === "Unauthorized" && OFFLINE_REFUSAL_MESSAGES.has(String(message)) && Object.keys(rest).length === 0;
}

/** Whether the described operation needs a token: every security requirement names a scheme. */
function requiresToken(doc: OpenApiDocument, operation: Record<string, unknown>): boolean {
  const security = operation.security ?? doc.security;
  return Array.isArray(security) && security.length > 0 && security.every((requirement) => Object.keys(requirement as object).length > 0);
}

/** `response`, or what API Gateway answers where serverless-offline answered its own refusal. */
export function asApiGatewayWouldAnswer(doc: OpenApiDocument, response: ObservedResponse, options: CheckOptions = {}): ObservedResponse {
  if (response.status !== 401 || !isOfflineRefusal(response.body)) return response;
  const operation = operationOf(doc, response, options);
  return operation && requiresToken(doc, operation) ? { ...response, ...GATEWAY_UNAUTHORIZED } : response;
}
