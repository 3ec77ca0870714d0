import { assertStorablePassword, hashPassword } from "../auth/passwords.ts";
import { getPrisma } from "../db/client.ts";
import { clearLockout } from "../sessions/lockout.ts";
import { invalidAccountToken } from "./invalid-token.ts";
import type { ResetPasswordInput } from "./schemas.ts";
import { deleteAccountTokens, findLiveAccountToken, spendAccountToken } from "./tokens.ts";

/**
 * Sets a new password with a mailed reset token. In one transaction: the token is spent (of two
 * requests with it, one wins), the password replaced, every session ended, every other reset link
 * voided, the username's lockout forgotten, and the address counted as verified (the mail
 * reached it). A token mailed to an address the account no longer has is refused. The token is
 * looked up before bcrypt, so a wrong one costs one query.
 */
export async function resetPassword(input: ResetPasswordInput, now = new Date()): Promise<void> {
  assertStorablePassword(input.newPassword, "newPassword");
  const token = await findLiveAccountToken(input.token, ["reset"], now);
  if (!token) throw invalidAccountToken();
  const passwordHash = await hashPassword(input.newPassword);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    // The user's row first, as a password change locks it (lib/sessions/store.ts): the two wait
    // for each other rather than deadlock.
    const [user] = await tx.$queryRaw<{ username: string }[]>`
      SELECT username FROM users WHERE id = ${token.userId} AND email = ${token.address} FOR UPDATE`;
    if (!user || !(await spendAccountToken(tx, token.hash, now))) throw invalidAccountToken();
    await tx.user.update({ where: { id: token.userId }, data: { passwordHash, emailVerified: true } });
    await tx.session.deleteMany({ where: { userId: token.userId } });
    await deleteAccountTokens(tx, token.userId, ["reset"]);
    await clearLockout(tx, user.username);
  });
}
