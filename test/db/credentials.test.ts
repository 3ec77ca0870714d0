import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import bcrypt from "bcryptjs";
import { afterAll, describe, expect, it } from "vitest";
import { handler as password } from "../../functions/change-password.ts";
import { handler as signin } from "../../functions/signin.ts";
import { handler as signup } from "../../functions/signup.ts";
import { disconnectPrisma } from "../../lib/db/client.ts";
import { query } from "../support/db-query.ts";
import { newAccount } from "../support/http.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// Passwords through the signin, signup and password handlers, against the run's database: a hash
// stored before passwords were normalized, and the 400s that depend on the password alone. The
// schemas refuse control characters before lib/auth/passwords.ts sees them; its own check, the
// guarantee should a schema change, is tested in test/unit/passwords.test.ts.

/** The JSON routes are typed for the event after parsing; Lambda hands them the raw one. */
function post(handler: (event: never, context: Context) => Promise<APIGatewayProxyResult>, event: APIGatewayProxyEvent) {
  return handler(event as never, lambdaContext());
}

function fieldsOf(answer: APIGatewayProxyResult): string[] {
  return (JSON.parse(answer.body) as { errors?: { field: string }[] }).errors?.map(({ field }) => field) ?? [];
}

/** A user as signup stored them before passwords were normalized: bcrypt of the raw string. */
async function legacyUser(prefix: string, rawPassword: string): Promise<{ id: number; username: string }> {
  const { username, email } = newAccount(prefix);
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, ?, NOW(3))", [
    username,
    email,
    await bcrypt.hash(rawPassword, 4),
  ]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [username]);
  await query("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE name = 'user'", [row!.id]);
  return { id: row!.id, username };
}

async function storedHash(id: number): Promise<string> {
  const [row] = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = ?", [id]);
  return row!.password_hash;
}

describe("passwords through the handlers", () => {
  afterAll(disconnectPrisma);

  it("signs in a user whose password was stored before normalization, typed as it was then", async () => {
    const decomposed = "cafe\u0301-latte-1";
    const user = await legacyUser("legacy", decomposed);
    const answer = await post(signin, httpEvent({ body: { username: user.username, password: decomposed } }));
    expect(answer.statusCode).toBe(200);
  });

  it("signs in a user who signed up with a ligature, typing plain letters", async () => {
    const account = { ...newAccount("ligature"), password: "ﬁnance-pass-1" };
    expect((await post(signup, httpEvent({ body: account }))).statusCode).toBe(201);
    const answer = await post(signin, httpEvent({ body: { username: account.username, password: "finance-pass-1" } }));
    expect(answer.statusCode).toBe(200);
  });

  it("answers a password with NUL with the same 400 whether the account exists or not", async () => {
    const account = newAccount("nul");
    expect((await post(signup, httpEvent({ body: account }))).statusCode).toBe(201);
    const presented = `${account.password}\u0000anything`;
    const known = await post(signin, httpEvent({ body: { username: account.username, password: presented } }));
    const unknown = await post(signin, httpEvent({ body: { username: newAccount("nobody").username, password: presented } }));
    expect(known.statusCode).toBe(400);
    expect(fieldsOf(known)).toEqual(["password"]);
    expect(unknown.body).toBe(known.body);
  });

  it("refuses to sign up a password with NUL", async () => {
    const account = { ...newAccount("nulsignup"), password: "pw-long-enough\u0000tail" };
    const answer = await post(signup, httpEvent({ body: account }));
    expect(answer.statusCode).toBe(400);
    expect(fieldsOf(answer)).toEqual(["password"]);
    expect(await query("SELECT id FROM users WHERE username = ?", [account.username])).toEqual([]);
  });

  it("answers a current password with a control character with a 400 naming currentPassword, even one stored before the rule", async () => {
    const user = await legacyUser("ctrl", "pass\u0085word-1");
    const answer = await post(
      password,
      httpEvent({
        body: { currentPassword: "pass\u0085word-1", newPassword: "a-fine-new-password" },
        authorizer: { userId: user.id, username: user.username, roles: "user" },
      }),
    );
    expect(answer.statusCode).toBe(400);
    expect(fieldsOf(answer)).toEqual(["currentPassword"]);
  });

  it("refuses a new password that is the current one in another Unicode form, changing nothing", async () => {
    const composed = "caf\u00E9-latte-2";
    const user = await legacyUser("sameform", composed);
    const before = await storedHash(user.id);
    const answer = await post(
      password,
      httpEvent({
        body: { currentPassword: composed, newPassword: "cafe\u0301-latte-2" },
        authorizer: { userId: user.id, username: user.username, roles: "user" },
      }),
    );
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ field: "newPassword", message: "must differ from the current password" }] });
    expect(await storedHash(user.id)).toBe(before);
  });
});
