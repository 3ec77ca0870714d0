import type { Caller } from "../auth/caller.ts";
import { hashPassword } from "../auth/passwords.ts";
import { sortRoles, type RoleName } from "../auth/roles.ts";
import { ForbiddenError } from "../errors.ts";
import { wakeMailSender } from "../mail/wake-sender.ts";
import { requireAdminWithin } from "./admin-rights.ts";
import { createUser, queueVerificationMail } from "./repository.ts";
import type { SignupInput } from "./schemas.ts";
import { ONLY_ADMINS_GRANT_ROLES } from "./errors.ts";


/**
 * Registers a user, and queues the mail that verifies the address in the same transaction (no
 * account without its mail, no mail for a signup refused). Everyone gets `user`; asking for more
 * takes a caller who is an admin now, in the database, not only in their token: checked under the
 * admins' lock in the transaction that stores the user, after bcrypt, so a demotion committed
 * before that wins. A caller whose token says no admin is refused before bcrypt.
 */
export async function signUp(input: SignupInput, caller: Caller | undefined): Promise<{ id: number }> {
  const requested: RoleName[] = input.roles ?? [];
  const grants = requested.some((role) => role !== "user");
  if (grants && !caller?.roles.includes("admin")) throw new ForbiddenError(ONLY_ADMINS_GRANT_ROLES);
  const passwordHash = await hashPassword(input.password);
  const id = await createUser(
    { username: input.username, email: input.email, passwordHash, roles: sortRoles(["user", ...requested]) },
    grants ? (tx) => requireAdminWithin(tx, caller, ONLY_ADMINS_GRANT_ROLES) : undefined,
    queueVerificationMail(input.email),
  );
  await wakeMailSender();
  return { id };
}
