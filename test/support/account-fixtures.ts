import type { APIGatewayProxyResult, Context } from "aws-lambda";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { query } from "./db-query.ts";
import { uniqueName } from "./http.ts";
import { httpEvent, lambdaContext, type HttpEventOptions } from "./lambda-events.ts";

// Accounts for the db tests of account recovery and verified email, stored straight in the
// database, and what a test reads back of them. lib/accounts/send-mails.ts is left out on
// purpose: tests take their tokens from issueAccountToken, as the sender does.

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
}

/** An account with a known password, unverified, with no session. */
export async function newUser(prefix: string): Promise<TestUser> {
  const username = uniqueName(prefix);
  const user = { username, email: `${username}@example.com`, password: `pw-${username}-secret` };
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
    user.username,
    user.email,
    await hashPassword(user.password),
  ]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [username]);
  return { id: row!.id, ...user };
}

export interface StoredAccount {
  email: string;
  emailVerified: boolean;
  passwordHash: string;
  sessions: number;
  /** Live tokens by purpose, e.g. `{ reset: 1 }`. */
  tokens: Record<string, number>;
}

/** The account's row and what hangs off it, as the database has it now. */
export async function storedAccount(userId: number): Promise<StoredAccount> {
  const [user] = await query<{ email: string; email_verified: number; password_hash: string }>(
    "SELECT email, email_verified, password_hash FROM users WHERE id = ?",
    [userId],
  );
  if (!user) throw new Error(`no user ${userId}`);
  const [sessions] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", [userId]);
  const tokens = await query<{ purpose: string; n: number }>(
    "SELECT purpose, COUNT(*) AS n FROM account_tokens WHERE user_id = ? AND expires_at > UTC_TIMESTAMP(3) GROUP BY purpose ORDER BY purpose",
    [userId],
  );
  return {
    email: user.email,
    emailVerified: Boolean(user.email_verified),
    passwordHash: user.password_hash,
    sessions: Number(sessions?.n),
    tokens: Object.fromEntries(tokens.map(({ purpose, n }) => [purpose, Number(n)])),
  };
}

export async function lockoutFailures(username: string): Promise<number | undefined> {
  const [row] = await query<{ failures: number }>("SELECT failures FROM password_lockouts WHERE username = ?", [username.toLowerCase()]);
  return row && Number(row.failures);
}

export type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;

export interface Answer {
  status: number;
  body: { message?: string; errors?: { field: string; message: string }[] } & Record<string, unknown>;
}

/** Calls a handler with an API Gateway event, as the route would. */
export async function invoke(handler: Handler, options: HttpEventOptions): Promise<Answer> {
  const result = await handler(httpEvent(options) as never, lambdaContext());
  return { status: result.statusCode, body: result.body ? (JSON.parse(result.body) as Answer["body"]) : {} };
}

/** The authorizer's request context for a user with the `user` role alone. */
export function callerContext(user: TestUser): HttpEventOptions["authorizer"] {
  return { userId: user.id, username: user.username, roles: "user" };
}
