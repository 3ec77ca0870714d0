import type { APIGatewayProxyResult } from "aws-lambda";

export interface ResponseOptions {
  /** Answers that carry credentials must not be stored by browsers or proxies. */
  noStore?: boolean;
}

function headers(contentType: string, options: ResponseOptions): Record<string, string> {
  return options.noStore
    ? { "Content-Type": contentType, "Cache-Control": "no-store", Pragma: "no-cache" }
    : { "Content-Type": contentType };
}

export function json(statusCode: number, body: unknown, options: ResponseOptions = {}): APIGatewayProxyResult {
  return { statusCode, headers: headers("application/json", options), body: JSON.stringify(body) };
}

/** The tutorials' boards answer plain text, and their front ends show it as it is. */
export function text(statusCode: number, body: string): APIGatewayProxyResult {
  return { statusCode, headers: headers("text/plain; charset=utf-8", {}), body };
}

/** No body: 204 answers (signout, password change). */
export function empty(statusCode: number): APIGatewayProxyResult {
  return { statusCode, headers: {}, body: "" };
}
