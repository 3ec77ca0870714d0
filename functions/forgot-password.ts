import { RESET_MAIL_ON_ITS_WAY } from "../lib/accounts/errors.ts";
import { requestPasswordReset } from "../lib/accounts/forgot-password.ts";
import type { Accepted } from "../lib/accounts/responses.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { forgotPasswordRoute } from "../lib/routes/account-routes.ts";

export const handler = httpRoute(forgotPasswordRoute).handler(async (event) => {
  await requestPasswordReset(event.body);
  return json(202, { message: RESET_MAIL_ON_ITS_WAY } satisfies Accepted);
});
