import { ConflictError } from "../errors.ts";
import { getPrisma } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { alreadyInUse, IN_USE } from "../users/errors.ts";
import { invalidAccountToken } from "./invalid-token.ts";
import type { VerifyEmailInput } from "./schemas.ts";
import { deleteAccountTokens, findLiveAccountToken, spendAccountToken, type LiveAccountToken } from "./tokens.ts";

/**
 * Spends a verification or email-change token. A verification marks the address it was mailed to
 * as proven, if the account still has it; an email change moves the account to the address the
 * link was mailed to, proven by that, and voids every other link mailed to the old one. An
 * address taken by another account since the change was asked for is a 409, the token unspent.
 */
export async function verifyEmail(input: VerifyEmailInput, now = new Date()): Promise<void> {
  const token = await findLiveAccountToken(input.token, ["verify", "change"], now);
  if (!token) throw invalidAccountToken();
  const prisma = await getPrisma();
  try {
    await prisma.$transaction(async (tx) => (token.purpose === "change" ? applyChange(tx, token, now) : markVerified(tx, token, now)));
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const fields = [{ field: "email", message: IN_USE }];
      throw new ConflictError(alreadyInUse(fields), fields);
    }
    throw error;
  }
}

async function markVerified(tx: Prisma.TransactionClient, token: LiveAccountToken, now: Date): Promise<void> {
  const [user] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM users WHERE id = ${token.userId} AND email = ${token.address} FOR UPDATE`;
  if (!user || !(await spendAccountToken(tx, token.hash, now))) throw invalidAccountToken();
  await tx.user.update({ where: { id: token.userId }, data: { emailVerified: true } });
  await deleteAccountTokens(tx, token.userId, ["verify"]);
}

async function applyChange(tx: Prisma.TransactionClient, token: LiveAccountToken, now: Date): Promise<void> {
  const [user] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM users WHERE id = ${token.userId} FOR UPDATE`;
  if (!user || !(await spendAccountToken(tx, token.hash, now))) throw invalidAccountToken();
  await tx.user.update({ where: { id: token.userId }, data: { email: token.address, emailVerified: true } });
  // Links mailed to the old address (reset, verification) and older change links: all void.
  await deleteAccountTokens(tx, token.userId);
}
