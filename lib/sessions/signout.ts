import type { Caller } from "../auth/caller.ts";
import { UnauthorizedError, ValidationError } from "../errors.ts";
import type { SignoutInput } from "./schemas.ts";
import { endAllSessions, endSessionOf } from "./store.ts";

/**
 * `{refreshToken}` ends that token's session: always a success, even for an unknown or already
 * ended one, so the answer tells nothing. `{all: true}` ends every session of the caller, whom
 * only a valid Bearer token names.
 */
export async function signOut(input: SignoutInput, caller: Caller | undefined): Promise<void> {
  if (input.all && input.refreshToken !== undefined) {
    throw new ValidationError("Send either refreshToken or all, not both", [
      { field: "all", message: "cannot be combined with refreshToken" },
    ]);
  }
  if (input.all) {
    if (!caller) throw new UnauthorizedError("Signing out of every session needs a Bearer access token");
    await endAllSessions(caller.userId);
    return;
  }
  if (input.refreshToken === undefined) {
    throw new ValidationError("Send the refreshToken to sign out of, or all: true with a Bearer token", [
      { field: "refreshToken", message: "is required" },
    ]);
  }
  await endSessionOf(input.refreshToken);
}
