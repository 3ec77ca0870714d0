import type { Caller } from "../auth/caller.ts";
import { UnauthorizedError, ValidationError } from "../errors.ts";
import type { SignoutInput } from "./schemas.ts";
import { endAllSessions, endSessionOf } from "./store.ts";
import { IS_REQUIRED } from "../validation/field-errors.ts";
import { ALL_WITH_REFRESH_TOKEN, SIGNOUT_ALL_NEEDS_TOKEN, SIGNOUT_TARGET_MISSING, SIGNOUT_TARGETS_BOTH } from "./errors.ts";

/**
 * `{refreshToken}` ends that token's session: always a success, even for an unknown or already
 * ended one, so the answer tells nothing. `{all: true}` ends every session of the caller, whom
 * only a valid Bearer token names.
 */
export async function signOut(input: SignoutInput, caller: Caller | undefined): Promise<void> {
  if (input.all && input.refreshToken !== undefined) {
    throw new ValidationError(SIGNOUT_TARGETS_BOTH, [
      { field: "all", message: ALL_WITH_REFRESH_TOKEN },
    ]);
  }
  if (input.all) {
    if (!caller) throw new UnauthorizedError(SIGNOUT_ALL_NEEDS_TOKEN);
    await endAllSessions(caller.userId);
    return;
  }
  if (input.refreshToken === undefined) {
    throw new ValidationError(SIGNOUT_TARGET_MISSING, [
      { field: "refreshToken", message: IS_REQUIRED },
    ]);
  }
  await endSessionOf(input.refreshToken);
}
