import { requestEmailChange } from "../lib/accounts/change-email.ts";
import { CHANGE_MAIL_ON_ITS_WAY } from "../lib/accounts/errors.ts";
import type { Accepted } from "../lib/accounts/responses.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { changeEmailRoute } from "../lib/routes/account-routes.ts";

export const handler = httpRoute(changeEmailRoute).handler(async (event) => {
  await requestEmailChange(event.caller, event.body);
  return json(202, { message: CHANGE_MAIL_ON_ITS_WAY } satisfies Accepted);
});
