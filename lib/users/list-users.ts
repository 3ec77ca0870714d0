import type { Caller } from "../auth/caller.ts";
import { invalidFields } from "../errors.ts";
import { requireCurrentAdmin } from "./admin-rights.ts";
import { listUsersAfter } from "./repository.ts";
import type { UserPage } from "./responses.ts";
import { decodeCursor, encodeCursor } from "./cursors.ts";
import { DEFAULT_PAGE_SIZE, listQueryParameters, MAX_PAGE_SIZE } from "./schemas.ts";
import { toUserView } from "./view.ts";

// Keyset pagination by id: a page is the users after the last id of the previous page, so pages
// stay stable while users sign up, and every page costs one index range scan.

function pageSize(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  const size = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw invalidFields([{ ...listQueryParameters.limit.error.errors[0] }]);
  }
  return size;
}

export const LIST_PARAMETERS = Object.keys(listQueryParameters);

export async function listUsers(caller: Caller, query: { limit?: string; cursor?: string }): Promise<UserPage> {
  const limit = pageSize(query.limit);
  const afterId = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
  await requireCurrentAdmin(caller);
  // One more than asked tells whether a next page exists without a count query.
  const users = await listUsersAfter(afterId, limit + 1);
  const items = users.slice(0, limit).map(toUserView);
  const last = items.at(-1);
  return users.length > limit && last ? { items, nextCursor: encodeCursor(last.id) } : { items };
}
