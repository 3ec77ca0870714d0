import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as endSessions } from "../../functions/admin/end-user-sessions.ts";
import { handler as list } from "../../functions/admin/list-users.ts";
import { handler as setRoles } from "../../functions/admin/set-user-roles.ts";
import { handler as authorizer } from "../../functions/authorizer.ts";
import { userBoard } from "../../functions/boards.ts";
import { handler as me } from "../../functions/me.ts";
import { handler as password } from "../../functions/change-password.ts";
import { handler as refresh } from "../../functions/refresh.ts";
import { handler as signin } from "../../functions/signin.ts";
import { handler as signout } from "../../functions/signout.ts";
import { handler as signup } from "../../functions/signup.ts";
import { disconnectPrisma, getPrisma } from "../../lib/db/client.ts";
import { grantRoleInDatabase, query } from "../support/db-query.ts";
import { newAccount, type Account } from "../support/http.ts";
import { httpEvent, lambdaContext, tokenAuthorizerEvent, type HttpEventOptions } from "../support/lambda-events.ts";
import { statementsOf } from "../support/statement-counts.ts";

// How many SQL statements each route sends, pinned, so that a change adding one fails here and
// says which. Counted by the server on this container's connection (see statement-counts.ts).

type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;

interface Session {
  id: number;
  username: string;
  accessToken: string;
  refreshToken: string;
  roles: string[];
}

async function answer(handler: Handler, event: APIGatewayProxyEvent, status: number): Promise<APIGatewayProxyResult> {
  const result = await handler(event as never, lambdaContext());
  expect(result.statusCode, result.body).toBe(status);
  return result;
}

/** The statements one call of `handler` sent, after checking it answered `status`. */
function statementsOfCall(handler: Handler, options: HttpEventOptions, status: number) {
  return statementsOf(() => answer(handler, httpEvent(options), status));
}

async function signedUp(prefix: string): Promise<Account> {
  const account = newAccount(prefix);
  await answer(signup, httpEvent({ body: account }), 201);
  return account;
}

async function signedIn(account: Account): Promise<Session> {
  const body = { username: account.username, password: account.password };
  return JSON.parse((await answer(signin, httpEvent({ body }), 200)).body) as Session;
}

/** The authorizer's request context for a signed-in user. */
function authorizerContext(session: Session): HttpEventOptions["authorizer"] {
  const roles = session.roles.map((role) => role.replace(/^ROLE_/, "").toLowerCase());
  return { userId: session.id, username: session.username, roles: roles.join(",") };
}

let admin: Session;

/** A signin that succeeds: 3 statements before the lockout counted its check first, 8 since. */
const SIGNIN_OK = { questions: 8, select: 3, begin: 1, insert: 1, commit: 1, delete: 1, insert_select: 1 };

beforeAll(async () => {
  // The container's first query also checks the server's version: pay for it here.
  await (await getPrisma()).$queryRaw`SELECT 1`;
  const account = await signedUp("counts_admin");
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [account.username]);
  await grantRoleInDatabase(row!.id, "admin");
  admin = await signedIn(account);
});

afterAll(disconnectPrisma);

describe("SQL statements per request", () => {
  it("signin: the lockout read, the check counted in a transaction, the user with their roles, the count forgotten, the new session", async () => {
    const account = await signedUp("counts_signin");
    const body = { username: account.username, password: account.password };
    expect(await statementsOfCall(signin, { body }, 200)).toEqual(SIGNIN_OK);
  });

  it("signin after a failure: the same, the failure forgotten with its own", async () => {
    const account = await signedUp("counts_again");
    await answer(signin, httpEvent({ body: { username: account.username, password: "a-wrong-password" } }), 401);
    const body = { username: account.username, password: account.password };
    expect(await statementsOfCall(signin, { body }, 200)).toEqual(SIGNIN_OK);
  });

  it("signin refused: the same statements for a wrong password and an unknown username", async () => {
    const account = await signedUp("counts_wrong");
    const wrong = await statementsOfCall(signin, { body: { username: account.username, password: "a-wrong-password" } }, 401);
    const unknown = await statementsOfCall(signin, { body: { username: `${account.username}_x`, password: "a-wrong-password" } }, 401);
    expect(wrong).toEqual({ questions: 6, select: 3, begin: 1, insert: 1, commit: 1 });
    expect(unknown).toEqual(wrong);
  });

  it("signin while locked: the lockout row alone", async () => {
    const account = await signedUp("counts_locked");
    const wrong = { username: account.username, password: "a-wrong-password" };
    for (let failure = 1; failure <= 5; failure++) await answer(signin, httpEvent({ body: wrong }), 401);
    expect(await statementsOfCall(signin, { body: wrong }, 429)).toEqual({ questions: 1, select: 1 });
  });

  it("signup: the user, their roles and the verification mail queued in one transaction, no check before", async () => {
    const body = newAccount("counts_signup");
    // Prisma reads the new row's id back after its INSERT (MySQL has no RETURNING). The second
    // INSERT is the outbox's row of the verification mail (lib/users/repository.ts,
    // queueVerificationMail); waking the sender sends no SQL.
    expect(await statementsOfCall(signup, { body }, 201)).toEqual({
      questions: 6,
      begin: 1,
      insert: 2,
      select: 1,
      insert_select: 1,
      commit: 1,
    });
  });

  it("signup of a taken username and email: the refused insert, then which of them is taken", async () => {
    const taken = await signedUp("counts_taken");
    let body = "";
    const statements = await statementsOf(async () => {
      body = (await answer(signup, httpEvent({ body: taken }), 409)).body;
    });
    expect(statements).toEqual({ questions: 4, begin: 1, insert: 1, rollback: 1, select: 1 });
    expect(JSON.parse(body)).toMatchObject({ message: "Username and email are already in use" });
  });

  it("signup with roles: one more, the admin rows locked in the transaction (the admin's right as stored now)", async () => {
    const headers = { Authorization: `Bearer ${admin.accessToken}` };
    const body = { ...newAccount("counts_granted"), roles: ["moderator"] };
    expect(await statementsOfCall(signup, { body, headers }, 201)).toEqual({
      questions: 7,
      begin: 1,
      insert: 2,
      select: 2,
      insert_select: 1,
      commit: 1,
    });
  });

  it("refresh: the session with its user's roles, then the rotation", async () => {
    const session = await signedIn(await signedUp("counts_refresh"));
    expect(await statementsOfCall(refresh, { body: { refreshToken: session.refreshToken } }, 200)).toEqual({
      questions: 2,
      select: 1,
      update: 1,
    });
  });

  it("refresh with a spent token: the session, then its end", async () => {
    const session = await signedIn(await signedUp("counts_reuse"));
    await answer(refresh, httpEvent({ body: { refreshToken: session.refreshToken } }), 200);
    expect(await statementsOfCall(refresh, { body: { refreshToken: session.refreshToken } }, 401)).toEqual({
      questions: 2,
      select: 1,
      delete: 1,
    });
  });

  it("signout, of one session or of all: one delete", async () => {
    const session = await signedIn(await signedUp("counts_signout"));
    const one = await statementsOfCall(signout, { body: { refreshToken: session.refreshToken } }, 204);
    const all = await statementsOfCall(signout, { body: { all: true }, headers: { Authorization: `Bearer ${session.accessToken}` } }, 204);
    expect(one).toEqual({ questions: 1, delete: 1 });
    expect(all).toEqual(one);
  });

  it("me: the user with their roles", async () => {
    const session = await signedIn(await signedUp("counts_me"));
    expect(await statementsOfCall(me, { authorizer: authorizerContext(session) }, 200)).toEqual({ questions: 1, select: 1 });
  });

  it("password change: the user's hash, the lockout read and the check counted, the count forgotten, then the new hash, the sessions' end and the reset links' in one transaction", async () => {
    const account = await signedUp("counts_password");
    const session = await signedIn(account);
    const body = { currentPassword: account.password, newPassword: `new-${account.password}` };
    // The third DELETE voids the reset links mailed before (lib/sessions/store.ts).
    expect(await statementsOfCall(password, { body, authorizer: authorizerContext(session) }, 204)).toEqual({
      questions: 12,
      select: 3,
      begin: 2,
      insert: 1,
      update: 1,
      delete: 3,
      commit: 2,
    });
  });

  it("admin, set roles: the admin rows and the target's row locked (the last-admin guard), the roles replaced", async () => {
    const target = await signedIn(await signedUp("counts_roles"));
    const event = { method: "PUT", body: { roles: ["moderator"] }, pathParameters: { id: String(target.id) } };
    expect(await statementsOfCall(setRoles, { ...event, authorizer: authorizerContext(admin) }, 200)).toEqual({
      questions: 6,
      begin: 1,
      select: 2,
      delete: 1,
      insert_select: 1,
      commit: 1,
    });
  });

  it("admin, list users and end a user's sessions: the admin's right as stored now, then the work", async () => {
    const target = await signedIn(await signedUp("counts_target"));
    const context = { authorizer: authorizerContext(admin) };
    const listed = await statementsOfCall(list, { ...context, query: { limit: "5" } }, 200);
    const ended = await statementsOfCall(endSessions, { ...context, method: "DELETE", pathParameters: { id: String(target.id) } }, 204);
    expect(listed).toEqual({ questions: 2, select: 2 });
    // In one transaction: the admin rows locked (the admin's right), the user's existence (a 404
    // otherwise), then their sessions.
    expect(ended).toEqual({ questions: 5, begin: 1, select: 2, delete: 1, commit: 1 });
  });

  it("the boards and the authorizer: none", async () => {
    const session = await signedIn(await signedUp("counts_board"));
    expect(await statementsOfCall(userBoard, { authorizer: authorizerContext(session) }, 200)).toEqual({});
    expect(await statementsOf(() => authorizer(tokenAuthorizerEvent(`Bearer ${session.accessToken}`)))).toEqual({});
  });
});
