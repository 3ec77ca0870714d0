import type { Caller } from "../auth/caller.ts";
import { UnauthorizedError } from "../errors.ts";
import { findUserById } from "./repository.ts";
import { toUserView, type UserView } from "./view.ts";
import { ACCOUNT_GONE } from "./errors.ts";

/** The caller's own account as stored now (roles included, so a change shows before the next refresh). */
export async function getMe(caller: Caller): Promise<UserView> {
  const user = await findUserById(caller.userId);
  if (!user) throw new UnauthorizedError(ACCOUNT_GONE);
  return toUserView(user);
}
