// The fixed roles seeded by the first migration. Tokens and the authorizer context carry these
// plain names; the sign-in answer shows them the tutorials' way (ROLE_USER, ...).

export const ROLE_NAMES = ["user", "moderator", "admin"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function isRoleName(name: string): name is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(name);
}

export function toTutorialRoleName(role: RoleName): string {
  return `ROLE_${role.toUpperCase()}`;
}

/** Roles in a stable order (user, moderator, admin), so answers and tokens are predictable. */
export function sortRoles(roles: Iterable<RoleName>): RoleName[] {
  const present = new Set(roles);
  return ROLE_NAMES.filter((role) => present.has(role));
}
