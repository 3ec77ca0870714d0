import { logger } from "../logger.ts";

// After a request queues a mail (lib/mail/outbox.ts), it wakes the sendMail function with an
// asynchronous invocation: Lambda queues the event and answers 202 at once, so the request never
// waits for the mail provider. When the wake-up fails, the schedule's run (every minute) sends.
// The Lambda client is imported on first use: only a request that queued a mail pays for it.

type LambdaModule = typeof import("@aws-sdk/client-lambda");
let client: { module: LambdaModule; lambda: InstanceType<LambdaModule["LambdaClient"]> } | undefined;

async function lambdaClient() {
  if (!client) {
    const module = await import("@aws-sdk/client-lambda");
    // LAMBDA_ENDPOINT: serverless-offline's invoke port locally, which takes any credentials.
    const endpoint = process.env.LAMBDA_ENDPOINT || undefined;
    const lambda = new module.LambdaClient({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 },
      ...(endpoint ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    });
    client = { module, lambda };
  }
  return client;
}

/** The event the sender gets from a wake-up (the schedule's is EventBridge's). */
export const WAKE_EVENT = { source: "auth-api.mail-queued" } as const;

export async function wakeMailSender(): Promise<void> {
  const functionName = process.env.MAIL_SENDER_FUNCTION;
  if (!functionName) return;
  try {
    const { module, lambda } = await lambdaClient();
    await lambda.send(
      new module.InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: new TextEncoder().encode(JSON.stringify(WAKE_EVENT)) }),
    );
  } catch (error) {
    logger.warn("Could not wake the mail sender; its schedule sends the queued mail within a minute", {
      cause: error instanceof Error ? error.name : "unknown",
    });
  }
}
