import type { Caller } from "../auth/caller.ts";
import { requireAdminWithin } from "../users/admin-rights.ts";
import { userNotFound } from "../users/repository.ts";
import { endAllSessionsAuthorized } from "./store.ts";

/**
 * An admin signs a user out everywhere: no refresh works after this; access tokens run out. The
 * admin right is checked under the admins' lock in the transaction that ends the sessions, so a
 * demotion committed first wins.
 */
export async function endUserSessions(caller: Caller, userId: number): Promise<void> {
  if (!(await endAllSessionsAuthorized(userId, (tx) => requireAdminWithin(tx, caller)))) throw userNotFound(userId);
}
