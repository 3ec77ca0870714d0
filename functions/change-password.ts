import { changePasswordRoute } from "../lib/routes/auth-routes.ts";
import { empty } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { changePassword } from "../lib/sessions/change-password.ts";

export const handler = httpRoute(changePasswordRoute).handler(async (event) => {
  await changePassword(event.caller, event.body);
  return empty(204);
});
