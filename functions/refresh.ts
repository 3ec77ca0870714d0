import { refreshRoute } from "../lib/routes/auth-routes.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { refreshSession } from "../lib/sessions/refresh.ts";

export const handler = httpRoute(refreshRoute).handler(async (event) => {
  return json(200, await refreshSession(event.body.refreshToken), { noStore: true });
});
