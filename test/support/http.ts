import { inject } from "vitest";
import type { SigninResponse as Session } from "../../lib/sessions/signin.ts";
import type { TokenPair } from "../../lib/sessions/token-pair.ts";
import { assertConforms, type OpenApiDocument } from "./contract.ts";

// A thin client for the API under test, the way a browser front end calls it. Every answer is
// checked against the API's OpenAPI description: one the description does not allow (status,
// content type, body, required headers) fails the test that received it.

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A raw body, sent as it is (for malformed JSON). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
  /**
   * Why this call leaves the description on purpose (a CORS preflight, a route that does not
   * exist): its answer is then not checked against it.
   */
  outsideContract?: string;
}

/**
 * The description the stack under test serves (GET /api/docs/openapi.json): the committed
 * openapi.json, which a unit test holds to the route table. Fetched directly, not through call().
 */
async function loadDescription(): Promise<OpenApiDocument> {
  const response = await fetch(`${inject("baseUrl")}/api/docs/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /api/docs/openapi.json answered ${response.status}: no description to check answers against`);
  return (await response.json()) as OpenApiDocument;
}

let description: Promise<OpenApiDocument> | undefined;

/** The description every answer is checked against, loaded once per test file. */
export function apiDescription(): Promise<OpenApiDocument> {
  return (description ??= loadDescription());
}

export async function call(path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const method = options.method ?? (body ? "POST" : "GET");
  const response = await fetch(`${inject("baseUrl")}${path}`, { method, headers, body });
  const text = await response.text();
  const doc = options.outsideContract ? undefined : await apiDescription();
  if (doc) {
    const observed = { method, path, status: response.status, contentType: response.headers.get("content-type"), body: text, headers: response.headers };
    assertConforms(doc, observed);
  }
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** A name unique to this run and call, within the API's username rules. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

export interface Account {
  username: string;
  email: string;
  password: string;
}

export function newAccount(prefix: string): Account {
  const username = uniqueName(prefix);
  return { username, email: `${username}@example.com`, password: `pw-${username}-secret` };
}

export async function signUp(account: Account, extra: { roles?: string[]; token?: string } = {}): Promise<ApiResponse> {
  const body = extra.roles ? { ...account, roles: extra.roles } : account;
  return call("/api/auth/signup", { body, token: extra.token });
}

export type { Session, TokenPair };

export async function signIn(account: Pick<Account, "username" | "password">): Promise<Session> {
  const response = await call("/api/auth/signin", { body: { username: account.username, password: account.password } });
  if (response.status !== 200) throw new Error(`signin of ${account.username} answered ${response.status}: ${response.text}`);
  return response.json<Session>();
}

export function refresh(refreshToken: unknown): Promise<ApiResponse> {
  return call("/api/auth/refresh", { body: { refreshToken } });
}

/** A refresh that must succeed: the new pair. */
export async function refreshed(refreshToken: string): Promise<TokenPair> {
  const response = await refresh(refreshToken);
  if (response.status !== 200) throw new Error(`refresh answered ${response.status}: ${response.text}`);
  return response.json<TokenPair>();
}

/** A new account, signed up and signed in. */
export async function signedUp(prefix: string): Promise<{ account: Account; session: Session }> {
  const account = newAccount(prefix);
  const response = await signUp(account);
  if (response.status !== 201) throw new Error(`signup of ${account.username} answered ${response.status}: ${response.text}`);
  return { account, session: await signIn(account) };
}
