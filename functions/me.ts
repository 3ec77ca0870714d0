import { meRoute } from "../lib/routes/auth-routes.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { getProfile } from "../lib/users/profile.ts";

export const handler = httpRoute(meRoute).handler(async (event) => {
  return json(200, await getProfile(event.caller), { noStore: true });
});
