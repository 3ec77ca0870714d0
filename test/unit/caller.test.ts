import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { callerFromOptionalBearer } from "../../lib/auth/bearer-caller.ts";
import { callerFromAuthorizerContext, requireRole } from "../../lib/auth/caller.ts";
import { effectiveRoles, roleRequiredMessage } from "../../lib/auth/roles.ts";
import { ForbiddenError, UnauthorizedError } from "../../lib/errors.ts";

// The one place a request's caller is made: the authorizer's context or an optional Bearer header.

function bearer(claims: object = {}, secret = process.env.JWT_SECRET!): string {
  const token = jwt.sign({ username: "ann", roles: ["user"], ...claims }, secret, {
    subject: "12",
    issuer: "serverless-auth-api",
    audience: "serverless-auth-api",
    expiresIn: 60,
  });
  return `Bearer ${token}`;
}

describe("caller from the authorizer context", () => {
  it("reads API Gateway's string values and serverless-offline's numbers alike", () => {
    const expected = { userId: 7, username: "mo", roles: ["user", "moderator"] };
    expect(callerFromAuthorizerContext({ principalId: "7", userId: "7", username: "mo", roles: "user,moderator" })).toEqual(expected);
    expect(callerFromAuthorizerContext({ userId: 7, username: "mo", roles: "user,moderator" })).toEqual(expected);
  });

  it("expands roles to the ones they include, and drops names it does not know", () => {
    expect(callerFromAuthorizerContext({ userId: "1", username: "a", roles: "admin,root" }).roles).toEqual(["user", "moderator", "admin"]);
    expect(callerFromAuthorizerContext({ userId: "1", username: "a", roles: "" }).roles).toEqual([]);
  });

  it.each([
    ["no context", undefined],
    ["no user id", { username: "a", roles: "user" }],
    ["a user id that is not a positive integer", { userId: "1.5", username: "a", roles: "user" }],
    // No user has id 0 or below (AUTO_INCREMENT starts at 1): such a context was not made by our authorizer.
    ["user id 0 as API Gateway passes it", { userId: "0", username: "a", roles: "user" }],
    ["user id -1 as API Gateway passes it", { userId: "-1", username: "a", roles: "user" }],
    ["user id 0 as serverless-offline passes it", { userId: 0, username: "a", roles: "user" }],
    ["user id -7 as serverless-offline passes it", { userId: -7, username: "a", roles: "user" }],
    ["no username", { userId: "3", roles: "user" }],
  ])("refuses %s with 401", (_case, context) => {
    expect(() => callerFromAuthorizerContext(context)).toThrow(UnauthorizedError);
  });
});

describe("caller from an optional Bearer header", () => {
  it("is anonymous without a header", async () => {
    expect(await callerFromOptionalBearer(undefined)).toBeUndefined();
  });

  it("reads a valid token, roles expanded", async () => {
    expect(await callerFromOptionalBearer(bearer({ roles: ["moderator"] }))).toEqual({
      userId: 12,
      username: "ann",
      roles: ["user", "moderator"],
    });
  });

  it.each([
    ["an empty header", ""],
    ["garbage", "Bearer garbage"],
    ["another key's token", bearer({}, "another-key-another-key-another-key-0")],
  ])("refuses %s with 401: a header that is present must be valid", async (_case, header) => {
    await expect(callerFromOptionalBearer(header)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe("roles", () => {
  it("are hierarchical: admin includes moderator includes user", () => {
    expect(effectiveRoles(["admin"])).toEqual(["user", "moderator", "admin"]);
    expect(effectiveRoles(["moderator"])).toEqual(["user", "moderator"]);
    expect(effectiveRoles(["user"])).toEqual(["user"]);
    expect(effectiveRoles([])).toEqual([]);
  });

  it("requireRole answers the tutorials' 403 message", () => {
    const moderator = { userId: 1, username: "m", roles: effectiveRoles(["moderator"]) };
    expect(() => requireRole(moderator, "user")).not.toThrow();
    expect(() => requireRole(moderator, "admin")).toThrow(new ForbiddenError("Require Admin Role!"));
    expect(() => requireRole(undefined, "user")).toThrow(ForbiddenError);
    expect(roleRequiredMessage("moderator")).toBe("Require Moderator Role!");
  });
});
