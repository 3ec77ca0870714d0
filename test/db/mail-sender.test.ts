import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendQueuedMails } from "../../lib/accounts/send-mails.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { recordMailOutcome, reserveMailSlot } from "../../lib/mail/outbox.ts";
import { query } from "../support/db-query.ts";

// The sendMail function's loop (lib/accounts/send-mails.ts) against the run's database, with
// Amazon SES's client mocked as the failing or recovering provider: a mail the provider could not
// take stays queued and goes out later; only a lasting refusal, or three hours of failures, give
// it up. The rows here are dated 2020 and the loop runs on a 2020 clock, so that it claims no
// mail of the other test files that share the database.

const ses = mockClient(SESv2Client);
const EPOCH = Date.parse("2020-01-01T00:00:00Z");
const at = (minutes: number) => new Date(EPOCH + minutes * 60_000);
const DEADLINE_MS = 20_000;

function sesError(name: string, fault: "client" | "server"): Error {
  return Object.assign(new Error(name), { name, $fault: fault, $metadata: {} });
}

async function queuedReset(): Promise<{ id: number; address: string }> {
  const name = `sender_${Math.random().toString(36).slice(2, 10)}`;
  const address = `${name}@example.com`;
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, 'x', NOW(3))", [name, address]);
  await query("INSERT INTO mail_outbox (kind, address, next_attempt_at, created_at) VALUES ('reset', ?, ?, ?)", [address, at(0), at(0)]);
  const [row] = await query<{ id: number }>("SELECT id FROM mail_outbox WHERE address = ?", [address]);
  return { id: row!.id, address };
}

async function outboxRow(id: number) {
  const [row] = await query<{ state: string; attempts: number; next_attempt_at: Date }>("SELECT state, attempts, next_attempt_at FROM mail_outbox WHERE id = ?", [id]);
  return row!;
}

const tokensOf = async (address: string) => (await query("SELECT token_hash FROM account_tokens WHERE address = ?", [address])).length;

beforeAll(() => {
  process.env.AWS_REGION = "us-east-1";
  process.env.MAIL_FROM = "Acme <no-reply@acme.example>";
  process.env.ACCOUNT_LINK_BASE_URL = "https://acme.example/account";
  delete process.env.SMTP_URL;
  resetConfig();
});

afterAll(() => {
  for (const name of ["MAIL_FROM", "ACCOUNT_LINK_BASE_URL"]) delete process.env[name];
  resetConfig();
});

beforeEach(() => {
  ses.reset();
});

describe("the mail sender", () => {
  it("keeps a mail SES throttled and sends it on the next run after its backoff", async () => {
    // Prepare
    const { id, address } = await queuedReset();
    ses.on(SendEmailCommand).rejectsOnce(sesError("ThrottlingException", "client")).resolves({ MessageId: "m-1" });

    // Act
    const first = await sendQueuedMails(Date.now() + DEADLINE_MS, () => at(0));
    const afterFirst = await outboxRow(id);
    const tooEarly = await sendQueuedMails(Date.now() + DEADLINE_MS, () => at(0.5));
    const second = await sendQueuedMails(Date.now() + DEADLINE_MS, () => at(1));

    // Assess
    expect(first).toMatchObject({ retried: 1, sent: 0 });
    expect(afterFirst).toMatchObject({ state: "pending", attempts: 1, next_attempt_at: at(1) });
    expect(tooEarly).toEqual({ sent: 0, skipped: 0, retried: 0, failed: 0 });
    expect(second).toMatchObject({ sent: 1 });
    expect(await outboxRow(id)).toMatchObject({ state: "sent", attempts: 2 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    const raw = Buffer.from(ses.commandCalls(SendEmailCommand)[1]!.args[0].input.Content!.Raw!.Data!).toString();
    expect(raw).toContain(`To: ${address}`);
    // The retried mail carries a new token, which voided the first attempt's.
    expect(await tokensOf(address)).toBe(1);
  });

  it("gives a mail up at once when SES refuses it for good", async () => {
    const { id } = await queuedReset();
    ses.on(SendEmailCommand).rejects(sesError("MessageRejected", "client"));

    const report = await sendQueuedMails(Date.now() + DEADLINE_MS, () => at(0));

    expect(report).toMatchObject({ failed: 1, retried: 0 });
    expect(await outboxRow(id)).toMatchObject({ state: "failed", attempts: 1 });
  });

  it("retries a provider that stays down 8 times, backing off up to an hour, then gives up", async () => {
    const { id } = await queuedReset();
    ses.on(SendEmailCommand).rejects(sesError("ServiceUnavailable", "server"));
    const waits: number[] = [];

    let clock = 0;
    for (let run = 0; run < 8; run++) {
      await sendQueuedMails(Date.now() + DEADLINE_MS, () => at(clock));
      const row = await outboxRow(id);
      if (row.state !== "pending") break;
      const wait = (row.next_attempt_at.getTime() - at(clock).getTime()) / 60_000;
      waits.push(wait);
      clock += wait;
    }

    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60]);
    expect(await outboxRow(id)).toMatchObject({ state: "failed", attempts: 8 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(8);
  });

  it("takes in its stride a mail whose user was deleted while it was being sent", async () => {
    // Prepare: the row goes with its user (ON DELETE CASCADE), as when an admin deletes the account.
    const { id, address } = await queuedReset();
    const [user] = await query<{ id: number }>("SELECT id FROM users WHERE email = ?", [address]);
    await query("UPDATE mail_outbox SET user_id = ? WHERE id = ?", [user!.id, id]);
    await query("DELETE FROM users WHERE id = ?", [user!.id]);

    // Act
    const reserved = await reserveMailSlot({ id: BigInt(id), address }, user!.id, 5, at(-60), at(0));
    const recorded = recordMailOutcome(BigInt(id), { state: "sent" }, at(0));

    // Assess
    expect(reserved).toBe(false);
    await expect(recorded).resolves.toBeUndefined();
  });
});
