import { JWKS_MAX_AGE_SECONDS, publishedKeys } from "../lib/auth/key-ring.ts";
import { json } from "../lib/http/responses.ts";
import { httpChain } from "../lib/http/chain.ts";

// GET /.well-known/jwks.json: the public keys other services verify access tokens with.
export const handler = httpChain().handler(async () => {
  return json(200, { keys: await publishedKeys() }, { headers: { "Cache-Control": `public, max-age=${JWKS_MAX_AGE_SECONDS}` } });
});
