import { signoutRoute } from "../lib/routes/auth-routes.ts";
import { callerFromOptionalBearer } from "../lib/auth/bearer-caller.ts";
import { empty } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { signOut } from "../lib/sessions/signout.ts";

// No authorizer: `{refreshToken}` needs no access token (front ends often send an expired one
// along, which must not stop a signout). Only `{all: true}` reads the Bearer header.
export const handler = httpRoute(signoutRoute).handler(async (event) => {
  const caller = event.body.all ? await callerFromOptionalBearer(event.headers.authorization) : undefined;
  await signOut(event.body, caller);
  return empty(204);
});
