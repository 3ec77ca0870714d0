import { JWKS_MAX_AGE_SECONDS, publishedKeys } from "../lib/auth/key-ring.ts";
import { openidConfiguration } from "../lib/auth/openid-configuration.ts";
import { getSettings } from "../lib/config/settings.ts";
import { json } from "../lib/http/responses.ts";
import { httpChain } from "../lib/http/chain.ts";
import { stageUrl } from "../lib/http/stage-url.ts";

// GET /.well-known/openid-configuration: the issuer, where the keys are, and their algorithms.
export const handler = httpChain().handler(async (event) => {
  const { jwtIssuer, accessTokenAlg } = getSettings();
  // An HS256 stage's key pair, kept for a later switch, signs none of its tokens: no algorithm a
  // verifier could check them with.
  const signingKeys = accessTokenAlg === "HS256" ? [] : await publishedKeys();
  // The stage's address as this request reached it; the issuer's when the event names none.
  const configuration = openidConfiguration(jwtIssuer, stageUrl(event) ?? jwtIssuer, signingKeys);
  return json(200, configuration, { headers: { "Cache-Control": `public, max-age=${JWKS_MAX_AGE_SECONDS}` } });
});
