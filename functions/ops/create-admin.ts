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
    // The invoking shell shows only the message (which says the first problem), so add the others.
    if (error instanceof ApiError && error.errors && error.errors.length > 1) {
      const others = error.errors.slice(1).map(({ field, message }) => `${field} ${message}`);
      throw new Error(`${error.message}; also: ${others.join("; ")}`);
    }
    throw error;
  } finally {
    // A rare operator's call: close the pool, or `sls invoke local` waits on it forever.
    await disconnectPrisma();
  }
}
