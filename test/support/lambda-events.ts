import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from "aws-lambda";

// The exact event shapes API Gateway (REST, Lambda proxy) hands to the functions.

export const METHOD_ARN_PREFIX = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod";

export interface HttpEventOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The body exactly as sent, instead of `body` as JSON; `Content-Type` is then up to `headers`. */
  rawBody?: string;
  isBase64Encoded?: boolean;
  /** What the authorizer put into the request context. */
  authorizer?: Record<string, string | number>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}

export function httpEvent(options: HttpEventOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["Content-Type"] ??= "application/json";
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const path = options.path ?? "/api/test/all";
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query
      ? Object.fromEntries(Object.entries(options.query).map(([key, value]) => [key, [value]]))
      : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body)),
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef1234",
      authorizer: options.authorizer ? { principalId: String(options.authorizer.userId ?? "1"), ...options.authorizer } : undefined,
      protocol: "HTTP/1.1",
      httpMethod: method,
      identity: { sourceIp: "203.0.113.7", userAgent: "vitest" } as APIGatewayProxyEvent["requestContext"]["identity"],
      path: `/prod${path}`,
      stage: "prod",
      requestId: "request-1",
      requestTimeEpoch: Date.now(),
      resourceId: "res1",
      resourcePath: path,
    },
  };
}

export function tokenAuthorizerEvent(authorizationToken: string, route = "GET/api/test/user"): APIGatewayTokenAuthorizerEvent {
  return { type: "TOKEN", authorizationToken, methodArn: `${METHOD_ARN_PREFIX}/${route}` };
}

export function lambdaContext(functionName = "test"): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: "aws-request-1",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "stream",
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
