import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config/environment.ts";
import { deliverMail, deliveryErrorOf, MailDeliveryError } from "../../lib/mail/transport.ts";

// Sending through Amazon SES v2 (lib/mail/transport.ts), the deployed stages' way, with SES's
// client mocked; SMTP to a real MailDev is covered end to end (test/e2e/account-recovery.test.ts).

const ses = mockClient(SESv2Client);
const MAIL = { subject: "Reset your Acme password", text: "Hello ann,\n", html: "<p>Hello ann,</p>" };

function awsError(name: string, fault: "client" | "server"): Error {
  return Object.assign(new Error(`${name} for ann@example.com`), { name, $fault: fault, $metadata: {} });
}

beforeEach(() => {
  ses.reset();
  process.env.AWS_REGION = "us-east-1";
  process.env.MAIL_FROM = "Acme <no-reply@acme.example>";
  delete process.env.SMTP_URL;
  resetConfig();
});

afterEach(() => {
  delete process.env.MAIL_FROM;
  resetConfig();
});

describe("deliverMail with SES", () => {
  it("sends one raw MIME message from MAIL_FROM to the address, with both parts", async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: "m-1" });

    await deliverMail("ann@example.com", MAIL);

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    const raw = Buffer.from(input.Content!.Raw!.Data!).toString();
    expect(raw).toMatch(/^From: Acme <no-reply@acme\.example>\r$/m);
    expect(raw).toMatch(/^To: ann@example\.com\r$/m);
    expect(raw).toMatch(/^Subject: Reset your Acme password\r$/m);
    expect(raw).toContain("text/plain");
    expect(raw).toContain("text/html");
  });

  it.each([
    ["ThrottlingException", "client", true],
    ["TooManyRequestsException", "client", true],
    ["InternalFailure", "server", true],
    ["MessageRejected", "client", false],
    ["MailFromDomainNotVerifiedException", "client", false],
  ] as const)("turns SES's %s (%s fault) into a MailDeliveryError with retryable %s, without the provider's text", async (name, fault, retryable) => {
    ses.on(SendEmailCommand).rejects(awsError(name, fault));

    const error = (await deliverMail("ann@example.com", MAIL).catch((caught: unknown) => caught)) as MailDeliveryError;

    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error.code).toBe(name);
    expect(error.retryable).toBe(retryable);
    expect(error.message).not.toContain("ann@example.com");
  });
});

describe("deliveryErrorOf", () => {
  it.each([
    ["an SMTP 421 (try later)", "SMTP 421", true, { responseCode: 421, code: "EENVELOPE" }],
    ["an SMTP 550 (no such mailbox)", "SMTP 550", false, { responseCode: 550, code: "EENVELOPE" }],
    ["a refused connection", "ECONNECTION", true, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNECTION" })],
    ["a timeout", "TimeoutError", true, Object.assign(new Error("Timeout"), { name: "TimeoutError" })],
  ])("reads %s as code %s, retryable %s", (_case, code, retryable, error) => {
    expect(deliveryErrorOf(error)).toMatchObject({ code, retryable });
  });
});
