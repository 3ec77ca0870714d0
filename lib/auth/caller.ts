import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { effectiveRoles, isRoleName, roleRequiredMessage, type RoleName } from "./roles.ts";

// Who is calling, made in one place: from the JWT authorizer's request context on protected
// routes, or (lib/auth/bearer-caller.ts) from an optional Bearer header on routes without an
// authorizer. Use cases take a Caller, never a header or a raw context. Reading the context needs
// no token code, so the routes behind the authorizer do not bundle any.

export interface Caller {
  userId: number;
  username: string;
  roles: RoleName[];
}

/**
 * The authorizer context carries roles as a comma-separated string (context values are scalars).
 * Expanded again here, so a token signed before roles were hierarchical reads the same.
 */
function rolesFromContext(value: unknown): RoleName[] {
  if (typeof value !== "string") return [];
  return effectiveRoles(value.split(",").filter(isRoleName));
}

/**
 * The caller the JWT authorizer let through. API Gateway hands context values on as strings,
 * serverless-offline as they were returned, so both are read. No context means the route has no
 * authorizer in front of it: refuse rather than guess.
 */
export function callerFromAuthorizerContext(context: unknown): Caller {
  const { userId, username, roles } = (context ?? {}) as Record<string, unknown>;
  const id = Number(userId);
  if (!Number.isSafeInteger(id) || id <= 0 || typeof username !== "string") throw new UnauthorizedError();
  return { userId: id, username, roles: rolesFromContext(roles) };
}

/** Throws 403 ("Require Admin Role!") unless the caller holds `role` or a role that includes it. */
export function requireRole(caller: Caller | undefined, role: RoleName): void {
  if (!caller?.roles.includes(role)) throw new ForbiddenError(roleRequiredMessage(role));
}
