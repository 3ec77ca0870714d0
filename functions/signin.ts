import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { signinSchema } from "../lib/sessions/schemas.ts";
import { signIn } from "../lib/sessions/signin.ts";

export const handler = httpRoute({ body: signinSchema, forms: true }).handler(async (event) => {
  return json(200, await signIn(event.body), { noStore: true });
});
