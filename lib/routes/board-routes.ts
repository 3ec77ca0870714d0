import type { RouteDescription } from "./route-description.ts";

// The tutorial's four boards, plain text. The moderator board answers at two paths: `pm` is the
// original tutorial's name for it.

/** A board's answer: its fixed text, which the schema states exactly. */
const boardText = <const Text extends string>(text: Text) => ({ "text/plain": { type: "string", const: text } }) as const;

export const publicBoardRoute = {
  method: "get",
  path: "/api/test/all",
  function: "publicBoard",
  operationId: "getPublicBoard",
  tag: "boards",
  summary: "Public board",
  description: "Anyone may read it.",
  success: { status: 200, description: "The board's text.", content: boardText("Public Content.") },
} as const satisfies RouteDescription;

export const userBoardRoute = {
  method: "get",
  path: "/api/test/user",
  function: "userBoard",
  operationId: "getUserBoard",
  tag: "boards",
  summary: "User board",
  description: "For every signed-in user.",
  caller: "authorizer",
  role: "user",
  success: { status: 200, description: "The board's text.", content: boardText("User Content.") },
} as const satisfies RouteDescription;

const moderatorBoard = {
  method: "get",
  function: "moderatorBoard",
  tag: "boards",
  description: "For moderators (and admins, whose role includes moderator's).",
  caller: "authorizer",
  role: "moderator",
  success: { status: 200, description: "The board's text.", content: boardText("Moderator Content.") },
} as const;

export const moderatorBoardRoute = {
  ...moderatorBoard,
  path: "/api/test/mod",
  operationId: "getModeratorBoard",
  summary: "Moderator board",
} as const satisfies RouteDescription;

export const pmBoardRoute = {
  ...moderatorBoard,
  path: "/api/test/pm",
  operationId: "getPmBoard",
  summary: "Moderator board (the original tutorial's `pm` path)",
} as const satisfies RouteDescription;

export const adminBoardRoute = {
  method: "get",
  path: "/api/test/admin",
  function: "adminBoard",
  operationId: "getAdminBoard",
  tag: "boards",
  summary: "Admin board",
  description: "For admins.",
  caller: "authorizer",
  role: "admin",
  success: { status: 200, description: "The board's text.", content: boardText("Admin Content.") },
} as const satisfies RouteDescription;
