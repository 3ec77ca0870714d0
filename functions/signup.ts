import { signupRoute } from "../lib/routes/auth-routes.ts";
import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import type { SignupResponse } from "../lib/users/responses.ts";
import { signUp } from "../lib/users/signup.ts";

export const handler = httpRoute(signupRoute).handler(async (event) => {
  const { id } = await signUp(event.body, event.caller);
  return json(201, { message: "User registered successfully!", id } satisfies SignupResponse);
});
