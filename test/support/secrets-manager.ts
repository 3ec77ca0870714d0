import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";

// Secrets Manager as the tests see it: secrets whose versions move as put-secret-value moves
// them (the new value becomes AWSCURRENT, the one it replaces AWSPREVIOUS, any older one loses
// its label), answering GetSecretValue by version stage, with the errors Secrets Manager gives.

export const secretsManagerMock = mockClient(SecretsManagerClient);

/** Values of each secret, oldest first: the last is AWSCURRENT, the one before AWSPREVIOUS. */
const secrets = new Map<string, string[]>();

function notFound(message: string): ResourceNotFoundException {
  // As the service answers it: HTTP 400.
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 400 } });
}

function answer({ SecretId = "", VersionStage = "AWSCURRENT" }: GetSecretValueCommandInput): Partial<GetSecretValueCommandOutput> {
  const values = secrets.get(SecretId);
  if (!values) throw notFound("Secrets Manager can't find the specified secret.");
  const index = { AWSCURRENT: values.length - 1, AWSPREVIOUS: values.length - 2 }[VersionStage] ?? -1;
  const value = values[index];
  if (value === undefined) throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${VersionStage}`);
  return { ARN: SecretId, SecretString: value, VersionStages: [VersionStage] };
}

/** Forgets every secret and call; answers GetSecretValue from the secrets put from now on. */
export function resetSecretsManager(): void {
  secrets.clear();
  secretsManagerMock.reset();
  secretsManagerMock.on(GetSecretValueCommand).callsFake(answer);
}

/** As `aws secretsmanager put-secret-value --secret-id ARN --secret-string VALUE` (or create-secret). */
export function putSecretValue(arn: string, value: string): void {
  secrets.set(arn, [...(secrets.get(arn) ?? []), value]);
}

/** The next GetSecretValue call fails with `error`; later ones answer as before. */
export function failNextRead(error: Error): void {
  secretsManagerMock.on(GetSecretValueCommand).rejectsOnce(error).callsFake(answer);
}

/** The GetSecretValue calls made so far, of one version stage if given (AWSCURRENT when unnamed). */
export function getSecretValueCalls(versionStage?: string): GetSecretValueCommandInput[] {
  return secretsManagerMock
    .commandCalls(GetSecretValueCommand)
    .map((call) => call.args[0].input)
    .filter((input) => versionStage === undefined || (input.VersionStage ?? "AWSCURRENT") === versionStage);
}
