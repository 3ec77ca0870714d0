import { queryParameters } from "../../lib/http/params.ts";
import { json } from "../../lib/http/responses.ts";
import { httpRoute } from "../../lib/http/route.ts";
import { listUsersRoute } from "../../lib/routes/admin-routes.ts";
import { LIST_PARAMETERS, listUsers } from "../../lib/users/list-users.ts";

// GET /api/admin/users?limit=&cursor=. The token must carry admin (no query for anyone else); the
// use case then checks the caller is still an admin in the database.

export const handler = httpRoute(listUsersRoute).handler(async (event) => {
  const query = queryParameters(event.multiValueQueryStringParameters, LIST_PARAMETERS);
  return json(200, await listUsers(event.caller, query), { noStore: true });
});
