import { signIn } from "../lib/auth/signin.ts";
import { json } from "../lib/http/responses.ts";
import { jsonRoute } from "../lib/http/json-route.ts";
import { signinSchema, type SigninInput } from "../lib/users/schemas.ts";

export const handler = jsonRoute<SigninInput>(signinSchema).handler(async (event) => {
  return json(200, await signIn(event.body), { noStore: true });
});
