import { disconnectPrisma } from "../../lib/db/client.ts";
import { ApiError } from "../../lib/errors.ts";
import { ensureAdmin, type AdminResult } from "../../lib/users/admin.ts";

// `sls invoke -f createAdmin --data '{"username":"…","email":"…","password":"…"}'`: the first
// admin, since public signup can never grant that role.

export async function handler(event: unknown): Promise<AdminResult> {
  try {
    return await ensureAdmin(event);
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
