import { randomUUID } from "node:crypto";
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  type PutSecretValueCommandInput,
  type PutSecretValueCommandOutput,
  type UpdateSecretVersionStageCommandInput,
  type UpdateSecretVersionStageCommandOutput,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";

// Secrets Manager as the tests see it: secrets made of versions, each with an id, a value (none
// yet for the version a rotation has just staged) and its staging labels, which move as the
// service moves them: a label is on one version at most, and when AWSCURRENT moves, AWSPREVIOUS
// goes to the version it left. It answers GetSecretValue, DescribeSecret, PutSecretValue and
// UpdateSecretVersionStage, with the errors Secrets Manager gives; putSecretValue() and
// startRotation() play what an operator and RotateSecret do.

export const secretsManagerMock = mockClient(SecretsManagerClient);

interface Version {
  id: string;
  /** None yet: the version RotateSecret stages AWSPENDING on before the rotation function writes it. */
  value?: string;
  stages: Set<string>;
}

interface Secret {
  rotationEnabled: boolean;
  /** Oldest first. */
  versions: Version[];
}

const secrets = new Map<string, Secret>();

// As the service answers them: HTTP 400.
const FAULT = { $metadata: { httpStatusCode: 400 } };

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, ...FAULT });
}

function secretNamed(arn: string | undefined): Secret {
  const secret = secrets.get(arn ?? "");
  if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
  return secret;
}

function versionWithStage(secret: Secret, stage: string): Version | undefined {
  return secret.versions.find((version) => version.stages.has(stage));
}

/** Puts `stage` on `target` alone; AWSCURRENT leaves AWSPREVIOUS on the version it was on. */
function moveStage(secret: Secret, stage: string, target: Version): void {
  const from = versionWithStage(secret, stage);
  if (from === target) return;
  from?.stages.delete(stage);
  target.stages.add(stage);
  if (stage === "AWSCURRENT" && from) {
    versionWithStage(secret, "AWSPREVIOUS")?.stages.delete("AWSPREVIOUS");
    from.stages.add("AWSPREVIOUS");
  }
}

function getSecretValue({ SecretId, VersionId, VersionStage }: GetSecretValueCommandInput): Partial<GetSecretValueCommandOutput> {
  const secret = secretNamed(SecretId);
  const stage = VersionStage ?? (VersionId === undefined ? "AWSCURRENT" : undefined);
  const version = VersionId !== undefined ? secret.versions.find((candidate) => candidate.id === VersionId) : versionWithStage(secret, stage!);
  if (version?.value === undefined || (stage !== undefined && !version.stages.has(stage))) {
    throw notFound(
      VersionId !== undefined
        ? `Secrets Manager can't find the specified secret value for VersionId: ${VersionId}`
        : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    );
  }
  return { ARN: SecretId, VersionId: version.id, SecretString: version.value, VersionStages: [...version.stages] };
}

function describeSecret({ SecretId }: DescribeSecretCommandInput): Partial<DescribeSecretCommandOutput> {
  const secret = secretNamed(SecretId);
  // Versions without a label are deprecated: the service leaves them out of this map.
  const labelled = secret.versions.filter((version) => version.stages.size > 0);
  return {
    ARN: SecretId,
    RotationEnabled: secret.rotationEnabled,
    VersionIdsToStages: Object.fromEntries(labelled.map((version) => [version.id, [...version.stages]])),
  };
}

function putVersion(secret: Secret, id: string, value: string, stages: string[]): void {
  let version = secret.versions.find((candidate) => candidate.id === id);
  if (version?.value !== undefined && version.value !== value) {
    throw new ResourceExistsException({ message: `A resource with the ID you requested already exists: version ${id}`, ...FAULT });
  }
  if (!version) {
    version = { id, stages: new Set() };
    secret.versions.push(version);
  }
  version.value = value;
  for (const stage of stages) moveStage(secret, stage, version);
}

function putSecretValueCommand({ SecretId, ClientRequestToken, SecretString, VersionStages }: PutSecretValueCommandInput): Partial<PutSecretValueCommandOutput> {
  const secret = secretNamed(SecretId);
  if (SecretString === undefined) throw new InvalidParameterException({ message: "You must provide either SecretString or SecretBinary.", ...FAULT });
  const id = ClientRequestToken ?? randomUUID();
  const stages = VersionStages ?? ["AWSCURRENT"];
  putVersion(secret, id, SecretString, stages);
  return { ARN: SecretId, VersionId: id, VersionStages: stages };
}

function updateSecretVersionStage({
  SecretId,
  VersionStage = "",
  MoveToVersionId,
  RemoveFromVersionId,
}: UpdateSecretVersionStageCommandInput): Partial<UpdateSecretVersionStageCommandOutput> {
  const secret = secretNamed(SecretId);
  const from = versionWithStage(secret, VersionStage);
  // The service refuses to take a label off a version it was not told about.
  if (from && from.id !== MoveToVersionId && from.id !== RemoveFromVersionId) {
    throw new InvalidParameterException({ message: `The staging label ${VersionStage} is attached to version ${from.id}: name it in RemoveFromVersionId.`, ...FAULT });
  }
  if (RemoveFromVersionId !== undefined && from?.id !== RemoveFromVersionId) {
    throw new InvalidParameterException({ message: `The staging label ${VersionStage} is not attached to version ${RemoveFromVersionId}.`, ...FAULT });
  }
  if (MoveToVersionId === undefined) {
    from?.stages.delete(VersionStage);
  } else {
    const target = secret.versions.find((version) => version.id === MoveToVersionId);
    if (!target) throw notFound(`Secrets Manager can't find the specified secret version: ${MoveToVersionId}`);
    moveStage(secret, VersionStage, target);
  }
  return { ARN: SecretId };
}

function answerGetSecretValue(): void {
  secretsManagerMock.on(GetSecretValueCommand).callsFake(getSecretValue);
}

/** Forgets every secret and call; answers as the secrets put from now on say. */
export function resetSecretsManager(): void {
  secrets.clear();
  secretsManagerMock.reset();
  answerGetSecretValue();
  secretsManagerMock.on(DescribeSecretCommand).callsFake(describeSecret);
  secretsManagerMock.on(PutSecretValueCommand).callsFake(putSecretValueCommand);
  secretsManagerMock.on(UpdateSecretVersionStageCommand).callsFake(updateSecretVersionStage);
}

/** As CloudFormation makes a secret with neither SecretString nor GenerateSecretString: no version at all. */
export function createEmptySecret(arn: string): void {
  secrets.set(arn, { rotationEnabled: false, versions: [] });
}

/**
 * As `aws secretsmanager put-secret-value --secret-id ARN --secret-string VALUE` (or
 * create-secret): the value becomes AWSCURRENT, the one it replaces AWSPREVIOUS.
 */
export function putSecretValue(arn: string, value: string): void {
  if (!secrets.has(arn)) createEmptySecret(arn);
  putVersion(secrets.get(arn)!, randomUUID(), value, ["AWSCURRENT"]);
}

/**
 * What RotateSecret does before it calls the rotation function: turns rotation on and stages
 * AWSPENDING on a new version with no value, whose id (the ClientRequestToken of the four
 * steps) it returns. It refuses while an earlier rotation is unfinished, as the service does.
 */
export function startRotation(arn: string): string {
  const secret = secretNamed(arn);
  const pending = versionWithStage(secret, "AWSPENDING");
  if (pending && !pending.stages.has("AWSCURRENT")) {
    throw new InvalidRequestException({ message: "A previous rotation isn't complete. That rotation will be reattempted.", ...FAULT });
  }
  secret.rotationEnabled = true;
  const version: Version = { id: randomUUID(), stages: new Set() };
  secret.versions.push(version);
  moveStage(secret, "AWSPENDING", version);
  return version.id;
}

/** The secret's versions that carry a label, as `{ versionId: stages }` (DescribeSecret's VersionIdsToStages). */
export function versionStages(arn: string): Record<string, string[]> {
  return describeSecret({ SecretId: arn }).VersionIdsToStages ?? {};
}

/** The value of the version that carries `stage`, or undefined. */
export function secretValueAt(arn: string, stage: string): string | undefined {
  const secret = secrets.get(arn);
  return secret && versionWithStage(secret, stage)?.value;
}

/** The next GetSecretValue call fails with `error`; later ones answer as before. */
export function failNextRead(error: Error): void {
  secretsManagerMock.on(GetSecretValueCommand).rejectsOnce(error).callsFake(getSecretValue);
}

/** The GetSecretValue calls made so far, of one version stage if given (AWSCURRENT when unnamed). */
export function getSecretValueCalls(versionStage?: string): GetSecretValueCommandInput[] {
  return secretsManagerMock
    .commandCalls(GetSecretValueCommand)
    .map((call) => call.args[0].input)
    .filter((input) => versionStage === undefined || (input.VersionStage ?? "AWSCURRENT") === versionStage);
}
