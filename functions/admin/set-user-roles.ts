import { idParam } from "../../lib/http/params.ts";
import { json } from "../../lib/http/responses.ts";
import { httpRoute } from "../../lib/http/route.ts";
import { setUserRolesRoute } from "../../lib/routes/admin-routes.ts";
import { setUserRoles } from "../../lib/users/set-user-roles.ts";

// PUT /api/admin/users/{id}/roles. The token must carry admin; the use case then checks the
// caller is still an admin in the database.

export const handler = httpRoute(setUserRolesRoute).handler(async (event) => {
  return json(200, await setUserRoles(event.caller, idParam(event.pathParameters?.id), event.body.roles));
});
