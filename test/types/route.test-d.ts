import type { APIGatewayProxyResult } from "aws-lambda";
import { expectTypeOf } from "vitest";
import type { Caller } from "../../lib/auth/caller.ts";
import { httpRoute } from "../../lib/http/route.ts";
import { signinSchema, type SigninInput } from "../../lib/sessions/schemas.ts";
import { signupSchema } from "../../lib/users/schemas.ts";
import { signUp } from "../../lib/users/signup.ts";

// Checked by `npm run typecheck`: a route's body type comes from the schema it validates with,
// so a handler wired to the wrong schema does not compile.

const done: APIGatewayProxyResult = { statusCode: 204, body: "" };

httpRoute({ body: signinSchema }).handler(async (event) => {
  expectTypeOf(event.body).toEqualTypeOf<SigninInput>();
  // @ts-expect-error signin's body has no email: it cannot be a signup
  await signUp(event.body, undefined);
  return done;
});

httpRoute({ body: signupSchema, caller: "optional-bearer" }).handler(async (event) => {
  expectTypeOf(event.caller).toEqualTypeOf<Caller | undefined>();
  await signUp(event.body, event.caller);
  return done;
});

httpRoute({ caller: "authorizer" }).handler(async (event) => {
  expectTypeOf(event.caller).toEqualTypeOf<Caller>();
  expectTypeOf(event.body).toEqualTypeOf<string | null>();
  return done;
});

httpRoute().handler(async (event) => {
  // @ts-expect-error a route without a caller source has no caller
  void event.caller;
  return done;
});
