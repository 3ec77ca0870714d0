import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { signupSchema } from "../lib/users/schemas.ts";
import { signUp } from "../lib/users/signup.ts";

export const handler = httpRoute({ body: signupSchema, forms: true, caller: "optional-bearer" }).handler(async (event) => {
  const { id } = await signUp(event.body, event.caller);
  return json(201, { message: "User registered successfully!", id });
});
