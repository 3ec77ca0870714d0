import type { Caller } from "../auth/caller.ts";
import { requireCurrentAdmin } from "../users/admin-rights.ts";
import { userExists, userNotFound } from "../users/repository.ts";
import { endAllSessions } from "./store.ts";

/** An admin signs a user out everywhere: no refresh works after this; access tokens run out. */
export async function endSessionsOfUser(caller: Caller, userId: number): Promise<void> {
  await requireCurrentAdmin(caller);
  if (!(await userExists(userId))) throw userNotFound(userId);
  await endAllSessions(userId);
}
