import description from "../openapi.json" with { type: "json" };
import { httpChain } from "../lib/http/chain.ts";
import { json } from "../lib/http/responses.ts";
import { stageUrl } from "../lib/http/stage-url.ts";

// GET /api/docs/openapi.json: the committed description (`npm run openapi`), its servers set to
// the stage that serves it, so "try it" and an import by link call this very stage.
export const handler = httpChain().handler(async (event) => {
  const url = stageUrl(event);
  const servers = url ? [{ url, description: "This stage" }] : description.servers;
  return json(200, { ...description, servers }, { headers: { "Cache-Control": "public, max-age=300" } });
});
