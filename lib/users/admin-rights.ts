import type { Caller } from "../auth/caller.ts";
import { roleRequiredMessage } from "../auth/roles.ts";
import { ForbiddenError } from "../errors.ts";
import type { Prisma } from "../db/generated/client.ts";
import { currentRoles, lockAdmins } from "./repository.ts";

/**
 * Admin actions trust the database, not only the token: an admin demoted or deleted a minute ago
 * still holds a valid access token. The token is checked first, so a non-admin costs no query.
 */
export async function requireCurrentAdmin(caller: Caller | undefined, message = roleRequiredMessage("admin")): Promise<void> {
  if (!caller?.roles.includes("admin")) throw new ForbiddenError(message);
  if (!(await currentRoles(caller.userId)).includes("admin")) throw new ForbiddenError(message);
}

/**
 * The same check for an act done in the transaction `tx`: the caller must be an admin as stored
 * now, under the admins' lock (see lockAdmins), held until the act commits. A demotion committed
 * first wins; one committed later waits for the act. The token is checked first, as above.
 */
export async function requireAdminWithin(
  tx: Prisma.TransactionClient,
  caller: Caller | undefined,
  message = roleRequiredMessage("admin"),
): Promise<void> {
  if (!caller?.roles.includes("admin")) throw new ForbiddenError(message);
  if (!(await lockAdmins(tx)).has(caller.userId)) throw new ForbiddenError(message);
}
