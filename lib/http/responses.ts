import type { APIGatewayProxyResult } from "aws-lambda";

export interface ResponseOptions {
  /** Answers that carry credentials must not be stored by browsers or proxies. */
  noStore?: boolean;
  headers?: Record<string, string>;
}

function headers(contentType: string | undefined, options: ResponseOptions): Record<string, string> {
  return {
    ...(contentType ? { "Content-Type": contentType } : {}),
    ...(options.noStore ? { "Cache-Control": "no-store", Pragma: "no-cache" } : {}),
    ...options.headers,
  };
}

export function json(statusCode: number, body: unknown, options: ResponseOptions = {}): APIGatewayProxyResult {
  return { statusCode, headers: headers("application/json", options), body: JSON.stringify(body) };
}

/** The tutorials' boards answer plain text, and their front ends show it as it is. */
export function text(statusCode: number, body: string): APIGatewayProxyResult {
  return { statusCode, headers: headers("text/plain; charset=utf-8", {}), body };
}

/** No body: 204 answers (signout, password change). */
export function empty(statusCode: number, options: ResponseOptions = {}): APIGatewayProxyResult {
  return { statusCode, headers: headers(undefined, options), body: "" };
}
