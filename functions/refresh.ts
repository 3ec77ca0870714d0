import { json } from "../lib/http/responses.ts";
import { httpRoute } from "../lib/http/route.ts";
import { refreshSession } from "../lib/sessions/refresh.ts";
import { refreshSchema } from "../lib/sessions/schemas.ts";

export const handler = httpRoute({ body: refreshSchema }).handler(async (event) => {
  return json(200, await refreshSession(event.body.refreshToken), { noStore: true });
});
