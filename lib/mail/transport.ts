import type { Transporter } from "nodemailer";
import { getMailSettings } from "../config/mail-settings.ts";
import type { RenderedMail } from "./templates.ts";

// Hands a mail to the provider: SMTP when SMTP_URL is set (MailDev locally), else Amazon SES
// through its v2 API with the function's role. nodemailer composes the MIME message for both.
// Both are imported on first use, so that only a container that sends pays for loading them;
// the sender's bundle is the only one that holds them (test/deploy checks the zips).

/** Why a mail was not sent, in words fit for a log line: never the address, the link or the provider's text. */
export class MailDeliveryError extends Error {
  override name = "MailDeliveryError";
  constructor(
    /** The provider's error code or name, such as `ECONNECTION` or `ThrottlingException`. */
    readonly code: string,
    /** False when sending the same mail again cannot succeed (rejected address, unverified identity). */
    readonly retryable: boolean,
  ) {
    super(`mail provider error ${code}`);
  }
}

/** Bounds on one attempt; the outbox retries later rather than holding the function. */
const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 };
const SES_LIMITS = { maxAttempts: 2, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true } };

/** SES's errors that sending again later can cure: throttling, quotas, its own faults. */
const SES_PASSING = new Set(["ThrottlingException", "TooManyRequestsException", "LimitExceededException", "InternalFailure", "ServiceUnavailable"]);

let transporter: Promise<Transporter> | undefined;

async function createTransporter(): Promise<Transporter> {
  const nodemailer = await import("nodemailer");
  const { smtpUrl } = getMailSettings();
  // nodemailer's own logger is off: it would print addresses and message headers.
  if (smtpUrl) return nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS, logger: false, debug: false });
  const { SESv2Client, SendEmailCommand } = await import("@aws-sdk/client-sesv2");
  return nodemailer.createTransport({ SES: { sesClient: new SESv2Client(SES_LIMITS), SendEmailCommand }, logger: false, debug: false });
}

function transport(): Promise<Transporter> {
  transporter ??= createTransporter().catch((error: unknown) => {
    transporter = undefined;
    throw error;
  });
  return transporter;
}

/** The error as a MailDeliveryError: its code, and whether to try again. */
export function deliveryErrorOf(error: unknown): MailDeliveryError {
  if (error instanceof MailDeliveryError) return error;
  const fields = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    responseCode?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  // An SMTP reply: 4xx is a passing refusal, 5xx a lasting one.
  if (typeof fields.responseCode === "number") return new MailDeliveryError(`SMTP ${fields.responseCode}`, fields.responseCode < 500);
  // The AWS SDK's errors carry $fault; a server fault is worth retrying.
  if (fields.$fault === "server" || fields.$fault === "client") {
    const name = typeof fields.name === "string" ? fields.name : "AWSError";
    return new MailDeliveryError(name, fields.$fault === "server" || SES_PASSING.has(name));
  }
  const code = typeof fields.code === "string" ? fields.code : typeof fields.name === "string" ? fields.name : "unknown";
  // Anything else (a timeout, a refused connection, a network error): the provider may be back later.
  return new MailDeliveryError(code, true);
}

export async function deliverMail(to: string, mail: RenderedMail): Promise<void> {
  try {
    const sender = await transport();
    await sender.sendMail({ from: getMailSettings().from, to, subject: mail.subject, text: mail.text, html: mail.html });
  } catch (error) {
    throw deliveryErrorOf(error);
  }
}
