import type { Caller } from "../auth/caller.ts";
import { hashPassword } from "../auth/passwords.ts";
import { sortRoles, type RoleName } from "../auth/roles.ts";
import { requireCurrentAdmin } from "./admin-rights.ts";
import { createUser } from "./repository.ts";
import type { SignupInput } from "./schemas.ts";

/**
 * Registers a user. Everyone gets `user`; asking for more takes a caller who is an admin now, in
 * the database, not only in their token.
 */
export async function signUp(input: SignupInput, caller: Caller | undefined): Promise<{ id: number }> {
  const requested: RoleName[] = input.roles ?? [];
  if (requested.some((role) => role !== "user")) await requireCurrentAdmin(caller, "Only an admin can grant roles");
  const id = await createUser({
    username: input.username,
    email: input.email,
    passwordHash: await hashPassword(input.password),
    roles: sortRoles(["user", ...requested]),
  });
  return { id };
}
