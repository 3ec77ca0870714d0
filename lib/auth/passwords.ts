import bcrypt from "bcryptjs";
import { getSettings } from "../config.ts";
import { ValidationError } from "../errors.ts";
import { MAX_PASSWORD_BYTES } from "./fields.ts";

/** Whether bcrypt reads all of the password: what JSON Schema cannot check, its UTF-8 byte length. */
export function fitsBcrypt(password: string): boolean {
  return Buffer.byteLength(password, "utf8") <= MAX_PASSWORD_BYTES;
}

/**
 * The checks JSON Schema cannot make on a password about to be stored: bcrypt must read all of
 * it, and it must not hold U+FFFD, which is what a body's invalid UTF-8 bytes decode to: two
 * different byte strings would then store (and match) the same password.
 */
export function assertStorablePassword(password: string, field = "password"): void {
  if (!fitsBcrypt(password)) {
    throw new ValidationError("Invalid request body", [
      { field, message: `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8` },
    ]);
  }
  if (password.includes("\uFFFD")) {
    throw new ValidationError("Invalid request body", [
      { field, message: "must be valid UTF-8 text (it holds U+FFFD, the mark of a byte that was not)" },
    ]);
  }
}

export async function hashPassword(password: string): Promise<string> {
  assertStorablePassword(password);
  return bcrypt.hash(password, getSettings().bcryptCost);
}

// Salt and digest of a hash no password is known to produce. Put behind the configured cost,
// comparing against it takes as long as comparing against a real user's hash.
const DUMMY_SALT_AND_DIGEST = "NW2uU3pLQxQzc4mRdvXL5eYc4G7OBzJZkQkYfPq1mXhD5rV7aTt2K";

function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, "0")}$${DUMMY_SALT_AND_DIGEST}`;
}

/**
 * Whether `password` is the one `hash` was made from. Compares against a dummy hash of the same
 * cost when there is no user, so an unknown username takes as long as a wrong password; and never
 * matches past bcrypt's 72 bytes, where a longer password would otherwise match on its prefix.
 */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash ?? dummyHash(getSettings().bcryptCost));
  return matches && hash !== undefined && fitsBcrypt(password);
}
