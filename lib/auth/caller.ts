import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { effectiveRoles, isRoleName, roleRequiredMessage, type RoleName } from "./roles.ts";
import { verifyAuthorizationHeader } from "./tokens.ts";

// Who is calling, made in one place: from the JWT authorizer's request context on protected
// routes, or from an optional Bearer header on routes without an authorizer. Use cases take a
// Caller, never a header or a raw context.

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

/**
 * The caller named by an optional `Authorization: Bearer` header, with the authorizer's rules: no
 * header is an anonymous caller (undefined), a header that is present must hold a valid token.
 */
export async function callerFromOptionalBearer(header: string | undefined): Promise<Caller | undefined> {
  if (header === undefined) return undefined;
  const { userId, username, roles } = await verifyAuthorizationHeader(header);
  return { userId, username, roles: effectiveRoles(roles) };
}

/** Throws 403 ("Require Admin Role!") unless the caller holds `role` or a role that includes it. */
export function requireRole(caller: Caller | undefined, role: RoleName): void {
  if (!caller?.roles.includes(role)) throw new ForbiddenError(roleRequiredMessage(role));
}
