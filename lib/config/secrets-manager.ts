import type { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

// Reading Secrets Manager, and keeping what was read for a while. Nothing here knows what a
// secret means (lib/config/jwt-keys.ts and lib/db/database-secret.ts do), and no message here shows any of a secret's content.
//
// Hand-written rather than Powertools Parameters' getSecret or @middy/secrets-manager, measured
// on this project's bundles: both import the SDK statically, which esbuild turns into a top-level
// import of every ESM bundle that reaches them (the boards' too: +95 to 110 ms of cold start, and
// a bundle that no longer loads without the SDK beside it); Powertools' cache keys on the name
// alone, not the version stage, and shares no fetch between concurrent callers; middy's takes no
// version stage and fits no authorizer. What is left to write is the small cache below.

/** AWSCURRENT is the value in use; a rotation (put-secret-value) moves AWSPREVIOUS to the one before. */
type VersionStage = "AWSCURRENT" | "AWSPREVIOUS";

interface Sdk {
  client: SecretsManagerClient;
  GetSecretValueCommand: typeof GetSecretValueCommand;
}

let sdk: Promise<Sdk> | undefined;

function secretsManager(): Promise<Sdk> {
  // Imported on first use, not at the top: the SDK is only needed where secrets live in Secrets
  // Manager, and loading it costs cold-start time everywhere else. A static import would also
  // become a top-level import of every ESM bundle that reaches this module (esbuild hoists the
  // imports of the `@aws-sdk/*` it leaves external), the boards' included.
  sdk ??= import("@aws-sdk/client-secrets-manager").then(({ SecretsManagerClient, GetSecretValueCommand }) => ({
    client: new SecretsManagerClient(CLIENT_LIMITS),
    GetSecretValueCommand,
  }));
  return sdk;
}

/**
 * The SDK sets no timeout of its own: a function in a VPC with no way out (no endpoint, no NAT)
 * would wait for Lambda's timeout and end in API Gateway's bare 502. With these, an unreachable
 * Secrets Manager fails in at most about 4 s (two attempts of 2 s; a refused connection at once),
 * answered as a 503 with a log line saying why. It answers in tens of milliseconds otherwise.
 */
const CLIENT_LIMITS = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
};

/** Secrets Manager gave no answer (network, timeout) or a passing one (throttled, 5xx): try again later. */
export class SecretsManagerUnavailableError extends Error {
  override name = "SecretsManagerUnavailableError";
  constructor(
    readonly arn: string,
    /** The SDK's or Node's name for it: ETIMEDOUT, ECONNREFUSED, ENOTFOUND, ThrottlingException, … */
    readonly code: string,
    options: { cause: unknown },
  ) {
    super(`Secrets Manager did not answer for ${arn} (${code})`, options);
  }
}

const PASSING_ERRORS = new Set(["ThrottlingException", "InternalServiceError"]);

function unavailable(arn: string, error: unknown): SecretsManagerUnavailableError | undefined {
  const { name, code, $metadata } = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  // No HTTP status: the request never got an answer.
  if (status === undefined || status >= 500 || PASSING_ERRORS.has(name ?? "")) {
    return new SecretsManagerUnavailableError(arn, code ?? name ?? "unknown", { cause: error });
  }
  return undefined;
}

/** A version's string, and when it was made (Secrets Manager's CreatedDate, when it gives one). */
export interface SecretVersion {
  value: string;
  createdAt?: Date;
}

async function readSecretVersion(arn: string, versionStage: VersionStage): Promise<SecretVersion> {
  const { client, GetSecretValueCommand } = await secretsManager();
  let answer: { SecretString?: string; CreatedDate?: Date };
  try {
    answer = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: versionStage }));
  } catch (error) {
    throw unavailable(arn, error) ?? error;
  }
  if (answer.SecretString === undefined) throw new Error(`no string value (SecretString) at ${versionStage}`);
  return { value: answer.SecretString, ...(answer.CreatedDate && { createdAt: answer.CreatedDate }) };
}

/** The string the secret `arn` holds now. The SDK's errors pass through: they name no value. */
export async function readCurrentSecret(arn: string): Promise<string> {
  return (await readSecretVersion(arn, "AWSCURRENT")).value;
}

/** The version the secret `arn` holds now, with its date. */
export function readCurrentSecretVersion(arn: string): Promise<SecretVersion> {
  return readSecretVersion(arn, "AWSCURRENT");
}

/**
 * The string the secret `arn` held before its last rotation, or undefined before the first one.
 * Secrets Manager then answers "ResourceNotFoundException: Secrets Manager can't find the
 * specified secret value for staging label: AWSPREVIOUS": no such version, not an error.
 */
export async function readPreviousSecret(arn: string): Promise<string | undefined> {
  try {
    return (await readSecretVersion(arn, "AWSPREVIOUS")).value;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

export interface Expiring<T> {
  /**
   * The value, loaded again when what is kept is older than `maxAgeMs` (the cache's own max age
   * unless given; 0 loads again). Callers arriving while a load runs share it, whatever age they
   * asked for: it is as fresh as anything they could start.
   */
  get(maxAgeMs?: number): Promise<T>;
  /** Forget the value; for tests that change the environment. */
  reset(): void;
}

/**
 * What to do when a load fails for a passing reason (Secrets Manager unreachable or throttled)
 * while an older value is kept: serve that value up to `staleForMs` past its max age, trying to
 * load again at most every `retryAfterMs` (so a request does not wait out the SDK's timeouts
 * each time). Without this, an outage of a few minutes would fail every request of every
 * container once its values expire, although the secrets themselves have not changed.
 */
export interface KeepOnFailure {
  when: (error: unknown) => boolean;
  staleForMs: number;
  retryAfterMs: number;
  /** Told each time the kept value is served instead, with the failure and the value's age. */
  onKept?: (error: unknown, ageMs: number) => void;
}

/**
 * A value that `load` makes, kept for `maxAgeMs()` (read at each get, so a setting's change is
 * seen). A failed load is not kept: the next get tries again, unless `keepOnFailure` says to
 * serve the older value for a while. `now` is injectable for tests; its default, Date.now, is
 * what vitest's fake timers move.
 */
export function expiring<T>(
  load: () => Promise<T>,
  maxAgeMs: () => number,
  options: { keepOnFailure?: KeepOnFailure; now?: () => number } = {},
): Expiring<T> {
  const { keepOnFailure, now = () => Date.now() } = options;
  let kept: { value: T; loadedAt: number; retryAt?: number } | undefined;
  let pending: Promise<T> | undefined;

  /** The kept value, while it may stand in for a failed load. */
  function servableStale(): { value: T; loadedAt: number; retryAt?: number } | undefined {
    if (!kept || !keepOnFailure) return undefined;
    return now() - kept.loadedAt < maxAgeMs() + keepOnFailure.staleForMs ? kept : undefined;
  }

  function loadAgain(): Promise<T> {
    // Its age counts from the request, not the answer: never younger than the value it holds.
    const startedAt = now();
    const loading = load().then(
      (value) => {
        if (pending === loading) {
          kept = { value, loadedAt: startedAt };
          pending = undefined;
        }
        return value;
      },
      (error: unknown) => {
        if (pending !== loading) throw error;
        pending = undefined;
        const stale = keepOnFailure?.when(error) ? servableStale() : undefined;
        if (!stale) throw error;
        stale.retryAt = now() + keepOnFailure!.retryAfterMs;
        keepOnFailure!.onKept?.(error, now() - stale.loadedAt);
        return stale.value;
      },
    );
    pending = loading;
    return loading;
  }

  return {
    get(maxAge = maxAgeMs()) {
      if (pending) return pending;
      if (kept && now() - kept.loadedAt < maxAge) return Promise.resolve(kept.value);
      // A load failed a moment ago and its older value stands in: no new attempt until retryAt.
      const stale = servableStale();
      if (stale?.retryAt !== undefined && now() < stale.retryAt) return Promise.resolve(stale.value);
      return loadAgain();
    },
    reset() {
      kept = undefined;
      pending = undefined;
    },
  };
}
