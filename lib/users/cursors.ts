import { invalidFields } from "../errors.ts";
import { CURSOR_PATTERN, listQueryParameters } from "./schemas.ts";

// The list's cursors: the last id of a page, opaque to clients, who hand back what they were
// given. Apart from listing.ts so that they can be tested without the database client.

const CURSOR_PREFIX = "u:";
const CURSOR_FORM = new RegExp(CURSOR_PATTERN);

export function encodeCursor(lastId: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastId}`, "utf8").toString("base64url");
}

/** The id a cursor of ours names; any other string is the cursor's 400. */
export function decodeCursor(cursor: string): number {
  const decoded = CURSOR_FORM.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const id = decoded.startsWith(CURSOR_PREFIX) ? Number(decoded.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 0 || encodeCursor(id) !== cursor) {
    throw invalidFields([{ ...listQueryParameters.cursor.error.errors[0] }]);
  }
  return id;
}
