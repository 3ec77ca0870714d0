import type { FieldError } from "../errors.ts";

// The users' error messages, shared by the use cases that throw them and the route table that
// documents them (the OpenAPI description), without the route table importing database code.

export const ONLY_ADMINS_GRANT_ROLES = "Only an admin can grant roles";
// A valid token for a deleted account: 401, so a front end signs out rather than showing an error.
export const ACCOUNT_GONE = "This account no longer exists";
export const LAST_ADMIN = "This user is the last admin: make another user admin first";

/** The 404 for a user id that names no one. */
export function noUserWithId(id: number): string {
  return `No user has the id ${id}`;
}

/** What a taken username or email is told, per field. */
export const IN_USE = "is already in use";

/** The 409's message for the taken fields: "Username is already in use", "Username and email are already in use". */
export function alreadyInUse(fields: readonly FieldError[]): string {
  const names = fields.map(({ field }) => field).join(" and ");
  const subject = names.charAt(0).toUpperCase() + names.slice(1);
  return `${subject} ${fields.length > 1 ? "are already in use" : IN_USE}`;
}
