import { signUp } from "../lib/users/signup.ts";
import { json } from "../lib/http/responses.ts";
import { jsonRoute } from "../lib/http/json-route.ts";
import { signupSchema, type SignupInput } from "../lib/users/schemas.ts";

export const handler = jsonRoute<SignupInput>(signupSchema).handler(async (event) => {
  const { id } = await signUp(event.body, event.headers.authorization);
  return json(201, { message: "User registered successfully!", id });
});
