import { idParam } from "../../lib/http/params.ts";
import { empty } from "../../lib/http/responses.ts";
import { httpRoute } from "../../lib/http/route.ts";
import { endUserSessionsRoute } from "../../lib/routes/admin-routes.ts";
import { endUserSessions } from "../../lib/sessions/end-user-sessions.ts";

// DELETE /api/admin/users/{id}/sessions. The token must carry admin; the use case then checks the
// caller is still an admin in the database.

export const handler = httpRoute(endUserSessionsRoute).handler(async (event) => {
  await endUserSessions(event.caller, idParam(event.pathParameters?.id));
  return empty(204);
});
