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

const PASSWORD = "bench-password-1";

/** A signup's fields, with a username and email no earlier call of this process used. */
export function newAccountFields(password = PASSWORD, prefix = "bench"): { username: string; email: string; password: string } {
  counter += 1;
  const username = `${prefix}_${process.pid}_${counter}`;
  return { username, email: `${username}@example.com`, password };
}

export async function signIn(functions: WarmFunctions, username: string, password: string): Promise<Omit<Account, "authorizer">> {
  const answer = await functions.http("signin", { body: { username, password } }, 200);
  const { id, accessToken, refreshToken } = JSON.parse(answer.body) as { id: number; accessToken: string; refreshToken: string };
  return { id, username, password, accessToken, refreshToken };
}

export async function newAccount(functions: WarmFunctions, password = PASSWORD): Promise<Account> {
  const fields = newAccountFields(password);
  await functions.http("signup", { body: fields }, 201);
  const session = await signIn(functions, fields.username, password);
  return { ...session, authorizer: await functions.authorize(session.accessToken) };
}

/** An admin, made with the createAdmin ops function as an operator would. */
export async function newAdmin(functions: WarmFunctions, password = "bench-admin-password"): Promise<Account> {
  const fields = newAccountFields(password, "admin");
  await functions.invoke("createAdmin", fields);
  const session = await signIn(functions, fields.username, password);
  return { ...session, authorizer: await functions.authorize(session.accessToken) };
}
