import { meRoute } from "../lib/routes/auth-routes.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { getMe } from "../lib/users/me.ts";

export const handler = httpRoute(meRoute).handler(async (event) => {
  return json(200, await getMe(event.caller), { noStore: true });
});
