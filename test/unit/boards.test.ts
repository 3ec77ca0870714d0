import { describe, expect, it } from "vitest";
import { adminBoard, moderatorBoard, publicBoard, userBoard } from "../../functions/boards.ts";
import { httpEvent, lambdaContext } from "../support/lambda-events.ts";

// The boards read the caller's roles from the authorizer's context and nothing else.

function asCaller(roles: string | undefined) {
  return httpEvent(roles === undefined ? {} : { authorizer: { userId: 7, username: "u", roles } });
}

describe("boards", () => {
  it("answers the tutorial's plain-text contents", async () => {
    const answer = await publicBoard(asCaller(undefined), lambdaContext());
    expect(answer).toMatchObject({ statusCode: 200, body: "Public Content." });
    expect(answer.headers?.["Content-Type"]).toMatch(/^text\/plain/);
  });

  const boards = { moderator: moderatorBoard, admin: adminBoard, user: userBoard };

  it.each([
    ["moderator", "moderator", 200, "Moderator Content."],
    ["moderator", "user,admin", 200, "Moderator Content."],
    ["moderator", "user", 403, JSON.stringify({ message: "Require Moderator Role!" })],
    ["admin", "user,moderator", 403, JSON.stringify({ message: "Require Admin Role!" })],
    ["admin", "admin", 200, "Admin Content."],
    ["user", "user", 200, "User Content."],
    ["user", "", 403, JSON.stringify({ message: "Require User Role!" })],
  ] as const)("the %s board answers roles '%s' with %i", async (board, roles, status, body) => {
    const answer = await boards[board](asCaller(roles), lambdaContext());
    expect(answer.statusCode).toBe(status);
    expect(answer.body).toBe(body);
  });

  it("refuses with 401 when there is no authorizer context at all (authorizer missing from the route)", async () => {
    const answer = await adminBoard(asCaller(undefined), lambdaContext());
    expect(answer.statusCode).toBe(401);
    expect(answer.headers?.["Content-Type"]).toMatch(/^application\/json/);
  });

  it.each(["0", "-1"])("refuses user id %s in the authorizer context with 401: no user has it", async (userId) => {
    const answer = await userBoard(httpEvent({ authorizer: { userId, username: "u", roles: "user" } }), lambdaContext());
    expect(answer.statusCode).toBe(401);
  });

  it("does not take a look-alike role name for the real one", async () => {
    const answer = await adminBoard(asCaller("administrator,ADMIN, admin"), lambdaContext());
    expect(answer.statusCode).toBe(403);
  });
});
