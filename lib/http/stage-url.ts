import type { APIGatewayProxyEvent } from "aws-lambda";

// The base URL of the stage that serves a request, as its caller reached it: API Gateway's own
// domain with the stage in the path (`https://abc.execute-api.us-east-1.amazonaws.com/prod`), a
// custom domain with its base path, or serverless-offline's `http://localhost:3000/dev`.

const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

/** The stage's base URL, or undefined when the request names no usable host. */
export function stageUrl(event: APIGatewayProxyEvent): string | undefined {
  const host = event.headers.host;
  if (!host || !HOST.test(host)) return undefined;
  // serverless-offline (which sets IS_OFFLINE) serves plain HTTP under /<stage>, but leaves the
  // stage out of requestContext.path.
  const offline = process.env.IS_OFFLINE === "true";
  const forwarded = event.headers["x-forwarded-proto"];
  const protocol = forwarded === "http" || forwarded === "https" ? forwarded : offline ? "http" : "https";
  // requestContext.path is the path as requested (stage or base path first), event.path the
  // resource's path after it: what comes before is the stage's prefix.
  const requested = offline ? `/${event.requestContext.stage}${event.path}` : (event.requestContext.path ?? event.path);
  const prefix = requested.endsWith(event.path) ? requested.slice(0, requested.length - event.path.length) : "";
  return `${protocol}://${host}${prefix}`;
}
