import { verifyEmail } from "../lib/accounts/verify-email.ts";
import { empty } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { verifyEmailRoute } from "../lib/routes/account-routes.ts";

export const handler = httpRoute(verifyEmailRoute).handler(async (event) => {
  await verifyEmail(event.body);
  return empty(204);
});
