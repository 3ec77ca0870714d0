import { empty } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { changePassword } from "../lib/sessions/password-change.ts";
import { passwordChangeSchema } from "../lib/sessions/schemas.ts";

export const handler = httpRoute({ body: passwordChangeSchema, caller: "authorizer" }).handler(async (event) => {
  await changePassword(event.caller, event.body);
  return empty(204);
});
