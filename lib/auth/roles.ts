// The fixed roles seeded by the first migration. Tokens and the authorizer context carry these
// plain names; the sign-in answer shows them the tutorials' way (ROLE_USER, ...).

export const ROLE_NAMES = ["user", "moderator", "admin"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function isRoleName(name: string): name is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(name);
}

/** How the tutorials' answers name a role: `ROLE_USER`, … */
export type TutorialRoleName = `ROLE_${Uppercase<RoleName>}`;
/** ROLE_NAMES the tutorials' way, in the same order (a unit test holds the two together). */
export const TUTORIAL_ROLE_NAMES = ["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"] as const satisfies readonly TutorialRoleName[];

export function toTutorialRoleName(role: RoleName): TutorialRoleName {
  return `ROLE_${role.toUpperCase() as Uppercase<RoleName>}`;
}

/** Roles in a stable order (user, moderator, admin), so answers and tokens are predictable. */
export function sortRoles(roles: Iterable<RoleName>): RoleName[] {
  const present = new Set(roles);
  return ROLE_NAMES.filter((role) => present.has(role));
}

/**
 * Roles are hierarchical, as composite roles are in Keycloak: admin includes moderator, which
 * includes user. ROLE_NAMES is in rank order, so a role grants itself and everything before it.
 */
export function effectiveRoles(granted: Iterable<RoleName>): RoleName[] {
  const highest = Math.max(-1, ...[...granted].map((role) => ROLE_NAMES.indexOf(role)));
  return ROLE_NAMES.slice(0, highest + 1);
}

/** The tutorials' error message for a caller without `role`: "Require Admin Role!" and so on. */
export function roleRequiredMessage(role: RoleName): string {
  return `Require ${role.charAt(0).toUpperCase()}${role.slice(1)} Role!`;
}
