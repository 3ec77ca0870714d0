import type { Caller } from "../auth/caller.ts";
import { roleRequiredMessage } from "../auth/roles.ts";
import { ForbiddenError } from "../errors.ts";
import { currentRoles } from "./repository.ts";

/**
 * Admin actions trust the database, not only the token: an admin demoted or deleted a minute ago
 * still holds a valid access token. The token is checked first, so a non-admin costs no query.
 */
export async function requireCurrentAdmin(caller: Caller | undefined, refusal = roleRequiredMessage("admin")): Promise<void> {
  if (!caller?.roles.includes("admin")) throw new ForbiddenError(refusal);
  if (!(await currentRoles(caller.userId)).includes("admin")) throw new ForbiddenError(refusal);
}
