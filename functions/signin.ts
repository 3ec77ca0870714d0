import { signinRoute } from "../lib/routes/auth-routes.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { signIn } from "../lib/sessions/signin.ts";

export const handler = httpRoute(signinRoute).handler(async (event) => {
  return json(200, await signIn(event.body), { noStore: true });
});
