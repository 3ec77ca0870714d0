import { userIdParameter } from "../http/params.ts";
import { rolesViewSchema, userPageSchema } from "../users/responses.ts";
import { listQueryParameters, rolesUpdateSchema } from "../users/schemas.ts";
import type { RouteDescription } from "./route-description.ts";
import { roleRequiredMessage } from "../auth/roles.ts";
import { LAST_ADMIN, noUserWithId } from "../users/errors.ts";

// The routes under /api/admin: user management. The token must carry `admin`, and each route
// checks again in the database that the caller is an admin now.

const notAnAdminNow = { summary: "The caller is no longer an admin in the database", message: roleRequiredMessage("admin") } as const;
const noSuchUser = { summary: "No user has this id", message: noUserWithId(7) } as const;

export const listUsersRoute = {
  method: "get",
  path: "/api/admin/users",
  function: "adminListUsers",
  operationId: "listUsers",
  tag: "admin",
  summary: "List users",
  description: "Users in id order, a page at a time: pass a page's `nextCursor` as `cursor` for the next one.",
  caller: "authorizer",
  role: "admin",
  query: listQueryParameters,
  usesBackends: true,
  success: {
    status: 200,
    description: "A page of users.",
    content: { "application/json": userPageSchema },
    example: {
      items: [
        { id: 42, username: "alice", email: "alice@example.com", emailVerified: true, roles: ["ROLE_USER"], createdAt: "2026-11-24T09:30:00.000Z" },
      ],
      nextCursor: "dTo0Mg",
    },
  },
  errors: { 403: [notAnAdminNow] },
} as const satisfies RouteDescription;

export const setUserRolesRoute = {
  method: "put",
  path: "/api/admin/users/{id}/roles",
  function: "adminSetUserRoles",
  operationId: "setUserRoles",
  tag: "admin",
  summary: "Set a user's roles",
  description:
    "Replaces the roles granted to the user (everyone keeps `user`). The user's access tokens carry the old roles until their next refresh. The last admin cannot lose `admin`.",
  body: rolesUpdateSchema,
  caller: "authorizer",
  role: "admin",
  pathParameters: { id: userIdParameter },
  bodyExample: { roles: ["user", "moderator"] },
  usesBackends: true,
  success: {
    status: 200,
    description: "The user's roles now.",
    content: { "application/json": rolesViewSchema },
    example: { id: 7, username: "bob", roles: ["ROLE_USER", "ROLE_MODERATOR"] },
  },
  errors: {
    403: [notAnAdminNow],
    404: [noSuchUser],
    409: [{ summary: "The user is the last admin and would lose `admin`", message: LAST_ADMIN }],
  },
} as const satisfies RouteDescription;

export const endUserSessionsRoute = {
  method: "delete",
  path: "/api/admin/users/{id}/sessions",
  function: "adminEndUserSessions",
  operationId: "endUserSessions",
  tag: "admin",
  summary: "End a user's sessions",
  description: "Ends every session of the user: their refresh tokens stop working. Access tokens already out stay valid until they expire.",
  caller: "authorizer",
  role: "admin",
  pathParameters: { id: userIdParameter },
  usesBackends: true,
  success: { status: 204, description: "Every session of the user has ended." },
  errors: { 403: [notAnAdminNow], 404: [noSuchUser] },
} as const satisfies RouteDescription;
