import { resetPassword } from "../lib/accounts/reset-password.ts";
import { empty } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { resetPasswordRoute } from "../lib/routes/account-routes.ts";

export const handler = httpRoute(resetPasswordRoute).handler(async (event) => {
  await resetPassword(event.body);
  return empty(204);
});
