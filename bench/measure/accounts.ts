import type { WarmFunctions } from "./routes.ts";

// Accounts made through the packaged functions themselves: signup, signin, and the authorizer's
// context for the routes behind it, as API Gateway would pass it on.

export interface Account {
  id: number;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** What the authorizer puts into the request context for this account's token. */
  authorizer: Record<string, string | number>;
}

let counter = 0;

/** A username no earlier call of this process used. */
export function freshUsername(prefix = "bench"): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

export async function signIn(functions: WarmFunctions, username: string, password: string): Promise<Omit<Account, "authorizer">> {
  const answer = await functions.http("signin", { body: { username, password } }, 200);
  const { id, accessToken, refreshToken } = JSON.parse(answer.body) as { id: number; accessToken: string; refreshToken: string };
  return { id, username, password, accessToken, refreshToken };
}

export async function newAccount(functions: WarmFunctions, password = "bench-password-1"): Promise<Account> {
  const username = freshUsername();
  await functions.http("signup", { body: { username, email: `${username}@example.com`, password } }, 201);
  const session = await signIn(functions, username, password);
  return { ...session, authorizer: await functions.authorize(session.accessToken) };
}

/** An admin, made with the createAdmin ops function as an operator would. */
export async function newAdmin(functions: WarmFunctions, password = "bench-admin-password"): Promise<Account> {
  const username = freshUsername("admin");
  await functions.invoke("createAdmin", { username, email: `${username}@example.com`, password });
  const session = await signIn(functions, username, password);
  return { ...session, authorizer: await functions.authorize(session.accessToken) };
}
