import type { Caller } from "../auth/caller.ts";
import { sortRoles, toTutorialRoleName, type RoleName } from "../auth/roles.ts";
import type { RolesView } from "./responses.ts";
import { replaceGrantedRoles } from "./repository.ts";

/**
 * Sets the roles granted to a user (everyone keeps `user`). The user's tokens carry the old roles
 * until their next refresh, which re-reads them. The caller's own admin right is checked in the
 * database, under the same lock that guards the last admin.
 */
export async function setUserRoles(caller: Caller, userId: number, roles: readonly RoleName[]): Promise<RolesView> {
  const user = await replaceGrantedRoles(caller.userId, userId, sortRoles(["user", ...roles]));
  return { id: user.id, username: user.username, roles: user.roles.map(toTutorialRoleName) };
}
