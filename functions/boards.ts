import type { RoleName } from "../lib/auth/roles.ts";
import { text } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";

// The four boards of the tutorial. All but the public one sit behind the JWT authorizer, which
// puts the caller's roles into the request context; no board touches the database.

function board(content: string, allow?: { roles: RoleName[]; refusal: string }) {
  const route = allow ? httpRoute({ caller: "authorizer", allow }) : httpRoute();
  return route.handler(async () => text(200, content));
}

export const publicBoard = board("Public Content.");
export const userBoard = board("User Content.", { roles: ["user", "moderator", "admin"], refusal: "Require User Role!" });
export const moderatorBoard = board("Moderator Content.", { roles: ["moderator", "admin"], refusal: "Require Moderator Role!" });
export const adminBoard = board("Admin Content.", { roles: ["admin"], refusal: "Require Admin Role!" });
