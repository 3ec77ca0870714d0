import { refreshtokenRoute } from "../lib/routes/auth-routes.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { refreshSessionOr403 } from "../lib/sessions/refresh.ts";

export const handler = httpRoute(refreshtokenRoute).handler(async (event) => {
  return json(200, await refreshSessionOr403(event.body.refreshToken), { noStore: true });
});
