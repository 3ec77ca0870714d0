import type * as SecretsManagerSdk from "@aws-sdk/client-secrets-manager";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { privateKeyIn, type KeyPairAlgorithm } from "../../lib/config/jwt-private-keys.ts";
import { getSettings } from "../../lib/config/settings.ts";
import { logger } from "../../lib/logger.ts";

// The rotation function of the signing key secret (JwtSigningKey, resources/secrets.yml):
// Secrets Manager calls it with each step of its rotation protocol in turn, on the schedule and
// once at deploy, when the secret has no key yet. A rotation signs no one out: the key it
// replaces stays as AWSPREVIOUS, which still verifies and which the JWKS still publishes. It
// never logs or throws any of a key.

export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";

export interface RotationEvent {
  Step: RotationStep;
  SecretId: string;
  /** The id of the version this rotation makes, which Secrets Manager has staged AWSPENDING. */
  ClientRequestToken: string;
}

interface Sdk {
  client: SecretsManagerSdk.SecretsManagerClient;
  sdk: typeof SecretsManagerSdk;
}

let loaded: Promise<Sdk> | undefined;

// Imported on first use, as lib/config/secrets-manager.ts does and for its reason: the runtime
// ships the SDK, and a bundle that imported it at the top would not even load without it.
function secretsManager(): Promise<Sdk> {
  loaded ??= import("@aws-sdk/client-secrets-manager").then((sdk) => ({ client: new sdk.SecretsManagerClient({}), sdk }));
  return loaded;
}

/** HS256 stages get an RSA key all the same, so that a later switch to RS256 finds one ready. */
function algorithmToMake(): KeyPairAlgorithm {
  const { accessTokenAlg } = getSettings();
  return accessTokenAlg === "HS256" ? "RS256" : accessTokenAlg;
}

/** The value written for this rotation, or undefined before createSecret wrote it. */
async function pendingValue({ client, sdk }: Sdk, { SecretId, ClientRequestToken }: RotationEvent): Promise<string | undefined> {
  try {
    const { SecretString } = await client.send(new sdk.GetSecretValueCommand({ SecretId, VersionId: ClientRequestToken, VersionStage: "AWSPENDING" }));
    return SecretString;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

export async function handler(event: RotationEvent): Promise<void> {
  const { Step, SecretId, ClientRequestToken: token } = event;
  const aws = await secretsManager();
  const { client, sdk } = aws;

  // Every step checks that it is part of a rotation of this secret: Secrets Manager stages
  // AWSPENDING on the token's version before it calls, and no one else should call at all.
  const { RotationEnabled, VersionIdsToStages = {} } = await client.send(new sdk.DescribeSecretCommand({ SecretId }));
  if (!RotationEnabled) throw new Error(`rotation is not enabled for ${SecretId}`);
  const stages = VersionIdsToStages[token];
  if (!stages) throw new Error(`version ${token} of ${SecretId} has no stage for a rotation`);
  // A retry of a rotation that has finished: nothing left to do.
  if (stages.includes("AWSCURRENT")) {
    logger.info("Signing key version already current", { event: "signing_key_rotation", step: Step, secret: SecretId, version: token });
    return;
  }
  if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} of ${SecretId} is not staged AWSPENDING`);

  switch (Step) {
    case "createSecret": {
      // Secrets Manager retries a failed step with the same token: a key already written for it
      // is kept, or the retry would write a second one, which PutSecretValue refuses anyway.
      if ((await pendingValue(aws, event)) !== undefined) break;
      const alg = algorithmToMake();
      await client.send(
        new sdk.PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: newSigningKeyPem(alg), VersionStages: ["AWSPENDING"] }),
      );
      logger.info("Signing key made", { event: "signing_key_rotation", step: Step, secret: SecretId, version: token, alg });
      break;
    }
    case "setSecret":
      // Nothing holds a copy to update: the API and the JWKS read the secret itself.
      break;
    case "testSecret": {
      // What the API would refuse to sign with must not become current: privateKeyIn is the API's
      // own reading, and its messages name the secret, never the key.
      const pending = await pendingValue(aws, event);
      if (pending === undefined) throw new Error(`version ${token} of ${SecretId} has no value to test`);
      const { alg } = privateKeyIn(pending, `version ${token} of ${SecretId}`);
      logger.info("Signing key tested", { event: "signing_key_rotation", step: Step, secret: SecretId, version: token, alg });
      break;
    }
    case "finishSecret": {
      // AWSCURRENT moves to the new key and Secrets Manager moves AWSPREVIOUS to the one it
      // leaves, which keeps verifying. A secret whose first rotation this is has no current
      // version to name.
      const current = Object.entries(VersionIdsToStages).find(([, labels]) => labels.includes("AWSCURRENT"))?.[0];
      await client.send(
        new sdk.UpdateSecretVersionStageCommand({
          SecretId,
          VersionStage: "AWSCURRENT",
          MoveToVersionId: token,
          ...(current !== undefined && { RemoveFromVersionId: current }),
        }),
      );
      logger.info("Signing key current", { event: "signing_key_rotation", step: Step, secret: SecretId, version: token, replaced: current });
      break;
    }
    default:
      throw new Error(`unknown rotation step ${String(Step)}`);
  }
}
