import type middy from "@middy/core";
import httpSecurityHeaders from "@middy/http-security-headers";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

// The security headers of every answer: @middy/http-security-headers, plus the ones its 6.x line
// keeps for text/html answers although OWASP's REST Security Cheat Sheet asks for them on API
// answers too (a JSON answer can still be framed or embedded). Its 7.x line sets them on every
// answer but declares Node >= 22, and this project also runs on Node 20 (package.json engines).
// The gateway responses (resources/gateway-responses.yml) carry the same values.

/** Six months, with subdomains; no `preload`, which only an owner of the domain can ask for. */
const STRICT_TRANSPORT_SECURITY = { maxAge: 15_552_000, includeSubDomains: true, preload: false };

const API_ANSWER_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

function addApiResponseHeaders(response: APIGatewayProxyResult | undefined | null): void {
  if (!response) return;
  const headers = (response.headers ??= {});
  for (const [name, value] of Object.entries(API_ANSWER_HEADERS)) headers[name] ??= value;
}

const apiResponseHeaders: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  after: ({ response }) => addApiResponseHeaders(response),
  onError: ({ response }) => addApiResponseHeaders(response),
};

type Hook = middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * @middy/http-security-headers, under which an answer keeps the headers it set itself. middy's
 * overwrite them, and for a text/html answer (the docs page) its Content-Security-Policy brings
 * `sandbox` and `trusted-types 'none'`, under which none of the page's scripts could run.
 */
function middyHeadersUnderOwn(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const middyHeaders = httpSecurityHeaders({ strictTransportSecurity: STRICT_TRANSPORT_SECURITY });
  const keepOwn =
    (hook: Hook | undefined): Hook =>
    async (request) => {
      const own = { ...request.response?.headers };
      await hook?.(request);
      if (request.response) Object.assign((request.response.headers ??= {}), own);
    };
  return { after: keepOwn(middyHeaders.after as Hook | undefined), onError: keepOwn(middyHeaders.onError as Hook | undefined) };
}

export function securityHeaders(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>[] {
  return [middyHeadersUnderOwn(), apiResponseHeaders];
}
