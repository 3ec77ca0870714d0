import { endUserSessionsRoute, listUsersRoute, setUserRolesRoute } from "../../lib/routes/admin-routes.ts";
import { idParam, queryParameters } from "../../lib/http/params.ts";
import { empty, json } from "../../lib/http/responses.ts";
import { httpRoute } from "../../lib/http/route.ts";
import { endSessionsOfUser } from "../../lib/sessions/admin-signout.ts";
import { LIST_PARAMETERS, listUsers } from "../../lib/users/listing.ts";
import { setUserRoles } from "../../lib/users/role-management.ts";

// The admin routes, one Lambda each. The token must carry admin (no query for anyone else); each
// use case then checks the caller is still an admin in the database.

/** GET /api/admin/users?limit=&cursor= */
export const list = httpRoute(listUsersRoute).handler(async (event) => {
  const query = queryParameters(event.multiValueQueryStringParameters, LIST_PARAMETERS);
  return json(200, await listUsers(event.caller, query), { noStore: true });
});

/** PUT /api/admin/users/{id}/roles */
export const setRoles = httpRoute(setUserRolesRoute).handler(async (event) => {
  return json(200, await setUserRoles(event.caller, idParam(event.pathParameters?.id), event.body.roles));
});

/** DELETE /api/admin/users/{id}/sessions */
export const endSessions = httpRoute(endUserSessionsRoute).handler(async (event) => {
  await endSessionsOfUser(event.caller, idParam(event.pathParameters?.id));
  return empty(204);
});
