import type { APIGatewayProxyEvent } from "aws-lambda";

// The base URL of the stage that serves a request, as its caller reached it: API Gateway's own
// domain with the stage in the path (`https://abc.execute-api.us-east-1.amazonaws.com/prod`), a
// custom domain with its base path (`https://api.example.com/auth`), or serverless-offline's
// `http://localhost:3000/dev`.

const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

/**
 * The stage's base URL, for a route without path parameters (its resource is its path), or
 * undefined when the request names no usable host.
 */
export function stageUrl(event: APIGatewayProxyEvent): string | undefined {
  const host = event.headers.host;
  if (!host || !HOST.test(host)) return undefined;
  // serverless-offline (which sets IS_OFFLINE) serves plain HTTP under /<stage>, but leaves the
  // stage out of requestContext.path. API Gateway is HTTPS only: a client's X-Forwarded-Proto
  // there would only let it put http:// into an answer that caches may share.
  const offline = process.env.IS_OFFLINE === "true";
  const protocol = offline && event.headers["x-forwarded-proto"] !== "https" ? "http" : "https";
  // requestContext.path is the path as requested (the stage, or a custom domain's base path,
  // first). event.path is not the resource's path: behind a base path mapping it carries the base
  // path too. The resource is: what comes before it is the stage's prefix.
  const requested = offline ? `/${event.requestContext.stage}${event.path}` : (event.requestContext.path ?? event.path);
  const prefix = requested.endsWith(event.resource) ? requested.slice(0, requested.length - event.resource.length) : "";
  return `${protocol}://${host}${prefix}`;
}
