import { adminBoardRoute, moderatorBoardRoute, publicBoardRoute, userBoardRoute } from "../lib/routes/board-routes.ts";
import type { RoleName } from "../lib/auth/roles.ts";
import { authorizerCaller, httpChain } from "../lib/http/chain.ts";
import { text } from "../lib/http/responses.ts";

// The four boards of the tutorial, each answering the text its route states (lib/routes/board-routes.ts).
// All but the public one sit behind the JWT authorizer, which puts the caller's effective roles
// into the request context; no board touches the database.
// The shared chain rather than httpRoute: a board reads no body and no Bearer header, so its
// bundle carries neither the body validators nor the token code.

interface BoardRoute {
  role?: RoleName;
  success: { content: { "text/plain": { const: string } } };
}

function board(route: BoardRoute) {
  const chain = route.role ? httpChain([authorizerCaller(route.role)]) : httpChain();
  const content = route.success.content["text/plain"].const;
  return chain.handler(async () => text(200, content));
}

export const publicBoard = board(publicBoardRoute);
export const userBoard = board(userBoardRoute);
// Also the tutorial's /api/test/pm (pmBoardRoute), the same board.
export const moderatorBoard = board(moderatorBoardRoute);
export const adminBoard = board(adminBoardRoute);
