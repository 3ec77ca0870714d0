import { createPrivateKey, createPublicKey, createSecretKey } from "node:crypto";
import { signAccessToken } from "../../lib/auth/tokens.ts";
import { getSettings } from "../../lib/config/settings.ts";
import { authorizedContext, type Handler } from "./routes.ts";
import { interleaved } from "./stats.ts";
import { rawSign, rawVerify, spreads, warmedUp, type AlgorithmRun, type CachedKey } from "./warm.ts";

// One algorithm's authorizer as a container has it: started by warm.ts's authorizerByAlgorithm
// with ACCESS_TOKEN_ALG and the keys in its environment, it imports the packaged bundle, signs a
// token with lib/auth/tokens.ts under the same environment, and times the authorizer's call
// beside one raw verify of that token with the key already read, round after round; then
// signAccessToken beside one raw sign. Prints one JSON line (AlgorithmRun).
//   node --import tsx bench/measure/authorizer-process.ts <bundle> <export> <rounds>

const [file = "", exportName = "", roundsText = ""] = process.argv.slice(2);
const rounds = Number(roundsText);
const { accessTokenAlg: alg } = getSettings();
const authorizer = ((await import(file)) as Record<string, Handler>)[exportName];
if (!authorizer) throw new Error(`${file} exports no ${exportName}`);

const pair = alg === "HS256" ? undefined : createPrivateKey(process.env.JWT_PRIVATE_KEY!);
const signing: CachedKey = { alg, key: pair ?? createSecretKey(Buffer.from(process.env.JWT_SECRET!)) };
const verification: CachedKey = pair ? { alg, key: createPublicKey(pair) } : signing;

const claims = { userId: 1, username: "bench_algorithm", roles: ["user" as const], emailVerified: true };
const { accessToken } = await signAccessToken(claims);
if (!rawVerify(accessToken, verification)) throw new Error(`the ${alg} key of the environment did not sign the token`);
const signingInput = Buffer.from(accessToken.slice(0, accessToken.lastIndexOf(".")));

const verifying = {
  authorizer: () => authorizedContext(authorizer, accessToken),
  "raw verify": () => rawVerify(accessToken, verification),
};
const signingTasks = {
  signAccessToken: () => signAccessToken(claims),
  "raw sign": () => rawSign(signingInput, signing),
};
await warmedUp(verifying);
const verified = spreads(await interleaved(rounds, verifying));
await warmedUp(signingTasks);
const signed = spreads(await interleaved(rounds, signingTasks));

const run: AlgorithmRun = {
  figures: {
    authorizerMs: verified.authorizer!,
    rawVerifyMs: verified["raw verify"]!,
    signAccessTokenMs: signed.signAccessToken!,
    rawSignMs: signed["raw sign"]!,
  },
  accessToken,
};
console.log(JSON.stringify(run));
