import type { RoleName } from "../lib/auth/roles.ts";
import { authorizerCaller, httpChain } from "../lib/http/chain.ts";
import { text } from "../lib/http/responses.ts";

// The four boards of the tutorial. All but the public one sit behind the JWT authorizer, which
// puts the caller's effective roles into the request context; no board touches the database.
// The shared chain rather than httpRoute: a board reads no body and no Bearer header, so its
// bundle carries neither the body validators nor the token code.

function board(content: string, role?: RoleName) {
  const chain = role ? httpChain([authorizerCaller(role)]) : httpChain();
  return chain.handler(async () => text(200, content));
}

export const publicBoard = board("Public Content.");
export const userBoard = board("User Content.", "user");
export const moderatorBoard = board("Moderator Content.", "moderator");
export const adminBoard = board("Admin Content.", "admin");
