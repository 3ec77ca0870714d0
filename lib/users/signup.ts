import { ForbiddenError } from "../errors.ts";
import type { SignupInput } from "./schemas.ts";
import { createUser } from "./repository.ts";
import { hashPassword } from "../auth/passwords.ts";
import { sortRoles, type RoleName } from "../auth/roles.ts";
import { verifyAuthorizationHeader } from "../auth/tokens.ts";

/**
 * Registers a user. Everyone gets `user`; asking for more takes an admin's token in
 * `authorizationHeader` (the signup route has no authorizer, so the token is checked here with
 * the authorizer's rules: a header that is present must be a valid Bearer token).
 */
export async function signUp(input: SignupInput, authorizationHeader: string | undefined): Promise<{ id: number }> {
  const requested: RoleName[] = input.roles ?? [];
  const callerIsAdmin =
    authorizationHeader !== undefined && (await verifyAuthorizationHeader(authorizationHeader)).roles.includes("admin");
  if (requested.some((role) => role !== "user") && !callerIsAdmin) {
    throw new ForbiddenError("Only an admin can grant roles");
  }
  const user = await createUser({
    username: input.username,
    email: input.email,
    passwordHash: await hashPassword(input.password),
    roles: sortRoles(["user", ...requested]),
  });
  return { id: user.id };
}
