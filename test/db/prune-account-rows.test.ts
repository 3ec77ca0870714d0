import { describe, expect, it } from "vitest";
import { handler as pruneSessions } from "../../functions/ops/prune-sessions.ts";
import { query } from "../support/db-query.ts";

// pruneSessions also deletes what account recovery leaves behind: expired mailed tokens, and the
// outbox's rows that are done with and a day old (they hold addresses).

async function newUserId(): Promise<number> {
  const name = `prune_${Math.random().toString(36).slice(2, 10)}`;
  await query("INSERT INTO users (username, email, password_hash, updated_at) VALUES (?, ?, 'x', NOW(3))", [name, `${name}@example.com`]);
  const [row] = await query<{ id: number }>("SELECT id FROM users WHERE username = ?", [name]);
  return row!.id;
}

const hash = () => Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("");

describe("pruneSessions and account rows", () => {
  it("deletes expired account tokens and day-old finished mails, keeping live tokens, pending mails and recent ones", async () => {
    // Prepare
    const userId = await newUserId();
    const [expired, live] = [hash(), hash()];
    await query(
      `INSERT INTO account_tokens (token_hash, user_id, purpose, address, expires_at) VALUES
         (?, ?, 'reset', 'a@example.com', UTC_TIMESTAMP(3) - INTERVAL 1 SECOND), (?, ?, 'reset', 'a@example.com', UTC_TIMESTAMP(3) + INTERVAL 1 HOUR)`,
      [expired, userId, live, userId],
    );
    const address = `prune_${Math.random().toString(36).slice(2, 10)}@example.com`;
    const mail = (state: string, age: string) =>
      query(`INSERT INTO mail_outbox (kind, address, state, created_at) VALUES ('reset', ?, ?, UTC_TIMESTAMP(3) - INTERVAL ${age})`, [address, state]);
    await mail("sent", "25 HOUR");
    await mail("skipped", "25 HOUR");
    await mail("failed", "25 HOUR");
    await mail("pending", "25 HOUR");
    await mail("sent", "23 HOUR");

    // Act
    const result = await pruneSessions();

    // Assess
    expect(result.deletedAccountTokens).toBeGreaterThanOrEqual(1);
    expect(result.deletedMails).toBeGreaterThanOrEqual(3);
    expect(await query("SELECT token_hash FROM account_tokens WHERE user_id = ?", [userId])).toEqual([{ token_hash: live }]);
    const left = await query<{ state: string }>("SELECT state FROM mail_outbox WHERE address = ? ORDER BY id", [address]);
    expect(left.map(({ state }) => state)).toEqual(["pending", "sent"]);
  });
});
