import type { Caller } from "../auth/caller.ts";
import { UnauthorizedError } from "../errors.ts";
import { findUserById } from "./repository.ts";
import { toUserView, type UserView } from "./view.ts";

/** The caller's own account as stored now (roles included, so a change shows before the next refresh). */
export async function getMe(caller: Caller): Promise<UserView> {
  const user = await findUserById(caller.userId);
  // A valid token for a deleted account: 401, so a front end signs out rather than showing an error.
  if (!user) throw new UnauthorizedError("This account no longer exists");
  return toUserView(user);
}
