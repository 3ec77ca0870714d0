import { signIn } from "../lib/sessions/signin.ts";
import { json } from "../lib/http/responses.ts";
import { jsonRoute } from "../lib/http/json-route.ts";
import { signinSchema, type SigninInput } from "../lib/sessions/schemas.ts";

export const handler = jsonRoute<SigninInput>(signinSchema).handler(async (event) => {
  return json(200, await signIn(event.body), { noStore: true });
});
