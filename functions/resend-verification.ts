import { VERIFY_MAIL_ON_ITS_WAY } from "../lib/accounts/errors.ts";
import { resendVerification } from "../lib/accounts/resend-verification.ts";
import type { Accepted } from "../lib/accounts/responses.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { resendVerificationRoute } from "../lib/routes/account-routes.ts";

export const handler = httpRoute(resendVerificationRoute).handler(async (event) => {
  await resendVerification(event.caller, event.body);
  return json(202, { message: VERIFY_MAIL_ON_ITS_WAY } satisfies Accepted);
});
