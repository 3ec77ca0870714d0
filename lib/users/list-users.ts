import type { Caller } from "../auth/caller.ts";
import { invalidFields } from "../errors.ts";
import { requireCurrentAdmin } from "./admin-rights.ts";
import { listUsersAfter } from "./repository.ts";
import type { UserPage } from "./responses.ts";
import { CURSOR_PATTERN, DEFAULT_PAGE_SIZE, listQueryParameters, MAX_PAGE_SIZE } from "./schemas.ts";
import { toUserView } from "./view.ts";

// Keyset pagination by id: a page is the users after the last id of the previous page, so pages
// stay stable while users sign up, and every page costs one index range scan.

const CURSOR_PREFIX = "u:";
const CURSOR_FORM = new RegExp(CURSOR_PATTERN);

/** Opaque to clients: they hand back what they were given. */
function encodeCursor(lastId: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastId}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number {
  const decoded = CURSOR_FORM.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const id = decoded.startsWith(CURSOR_PREFIX) ? Number(decoded.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 0 || encodeCursor(id) !== cursor) {
    throw invalidFields([{ ...listQueryParameters.cursor.error.errors[0] }]);
  }
  return id;
}

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
