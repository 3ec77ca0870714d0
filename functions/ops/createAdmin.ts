import { disconnectPrisma } from "../../lib/db/client.ts";
import { ApiError } from "../../lib/errors.ts";
import { createAdmin, type AdminResult } from "../../lib/users/create-admin.ts";

// `sls invoke -f createAdmin --data '{"username":"…","email":"…","password":"…"}'` creates the
// first admin, since public signup can never grant that role; `{"username":"…","promote":true}`
// makes an existing account admin. The answer names the account, so the operator sees which one.

export async function handler(event: unknown): Promise<AdminResult> {
  try {
    return await createAdmin(event);
  } catch (error) {
    // The invoking shell shows only the message, so put the field errors into it.
    if (error instanceof ApiError && error.errors) {
      const details = error.errors.map(({ field, message }) => `${field} ${message}`).join("; ");
      throw new Error(`${error.message}: ${details}`);
    }
    throw error;
  } finally {
    // A rare operator's call: close the pool, or `sls invoke local` waits on it forever.
    await disconnectPrisma();
  }
}
