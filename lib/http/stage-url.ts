import type { APIGatewayProxyEvent } from "aws-lambda";

// The base URL of the stage that serves a request, from what the deployment knows, never from a
// client's header (an answer built from Host is cached and shared: `public, max-age=300`).
// - On AWS: the domain API Gateway served the request on (requestContext.domainName: the API's
//   own `abc.execute-api.us-east-1.amazonaws.com`, or a custom domain that maps to it; a request
//   naming another host never reaches this API), with the stage, or a custom domain's base path,
//   taken from the path API Gateway routed. Always https: API Gateway serves nothing else.
// - Under serverless-offline: LOCAL_API_URL, the host and port it was started with, which
//   serverless.yml sets for the local stage only, and the stage.

const DOMAIN = /^[A-Za-z0-9.-]{1,253}$/;

/**
 * The stage's base URL, for a route without path parameters (its resource is its path), or
 * undefined when the event names no usable domain.
 */
export function stageUrl(event: APIGatewayProxyEvent): string | undefined {
  const local = process.env.LOCAL_API_URL;
  if (local) return `${local}/${event.requestContext.stage}`;
  const domain = event.requestContext.domainName;
  if (!domain || !DOMAIN.test(domain)) return undefined;
  // requestContext.path is the path as requested (the stage, or a custom domain's base path,
  // first). event.path is not the resource's path: behind a base path mapping it carries the base
  // path too. The resource is: what comes before it is the stage's prefix.
  const requested = event.requestContext.path ?? event.path;
  const prefix = requested.endsWith(event.resource) ? requested.slice(0, requested.length - event.resource.length) : "";
  return `https://${domain}${prefix}`;
}
