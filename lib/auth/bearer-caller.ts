import type { Caller } from "./caller.ts";
import { effectiveRoles } from "./roles.ts";
import { verifyAuthorizationHeader } from "./token-verification.ts";

/**
 * The caller named by an optional `Authorization: Bearer` header, with the authorizer's rules: no
 * header is an anonymous caller (undefined), a header that is present must hold a valid token.
 */
export async function callerFromOptionalBearer(header: string | undefined): Promise<Caller | undefined> {
  if (header === undefined) return undefined;
  const { userId, username, roles } = await verifyAuthorizationHeader(header);
  return { userId, username, roles: effectiveRoles(roles) };
}
