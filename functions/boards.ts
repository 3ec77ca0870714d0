import type { RoleName } from "../lib/auth/roles.ts";
import { text } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";

// The four boards of the tutorial. All but the public one sit behind the JWT authorizer, which
// puts the caller's effective roles into the request context; no board touches the database.

function board(content: string, role?: RoleName) {
  const route = role ? httpRoute({ caller: "authorizer", role }) : httpRoute();
  return route.handler(async () => text(200, content));
}

export const publicBoard = board("Public Content.");
export const userBoard = board("User Content.", "user");
export const moderatorBoard = board("Moderator Content.", "moderator");
export const adminBoard = board("Admin Content.", "admin");
