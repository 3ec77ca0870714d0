import bcrypt from "bcryptjs";
import { getSettings } from "../config/settings.ts";
import { invalidFields, type ValidationError } from "../errors.ts";
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH } from "./fields.ts";

// Passwords are hashed and compared in Unicode normalization form NFKC, as NIST SP 800-63B
// suggests: "ﬁ" and "fi", "Ａ" and "A", a composed and a decomposed "é" are one password, whichever
// a keyboard, an operating system or a password manager produced. Hashes stored before this
// were made from the password as typed; verifyPassword still accepts those.

/** The form a password is hashed and compared in. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Whether bcrypt reads all of the password: what JSON Schema cannot check, its UTF-8 byte length. */
export function fitsBcrypt(password: string): boolean {
  return Buffer.byteLength(password, "utf8") <= MAX_PASSWORD_BYTES;
}

// General category Cc: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). NFKC neither
// adds nor removes one, so the raw and the normalized form agree on this.
const CONTROL_CHARACTER = /\p{Cc}/u;
/** With the u flag, a well-formed pair is one code point: only a lone surrogate is in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

function invalidPassword(field: string, message: string): ValidationError {
  return invalidFields([{ field, message }]);
}

/**
 * No password may hold a control character: a password field does not take one (Tab and Enter
 * move on or submit), one pasted in is invisible, and a NUL ends the password for bcrypt's C
 * implementations, so a hash made here would match only the part before it there. (bcryptjs
 * itself reads past a NUL: "pw" does not match the hash of "pw\u0000anything".)
 */
function assertNoControlCharacter(password: string, field: string): void {
  if (CONTROL_CHARACTER.test(password)) {
    // The schemas' words for their own pattern: one answer, whichever check catches it first.
    throw invalidPassword(field, "must not contain control characters");
  }
}

/**
 * The checks JSON Schema cannot make on a password about to be stored: no control character; no
 * U+FFFD, which is what a body's invalid UTF-8 bytes decode to (two different byte strings would
 * then store, and match, the same password); and, in the normalized form that is hashed, bcrypt
 * must read all of it and it must still be long enough (NFKC can grow one character into 18, as
 * U+FDFA, or join two into one, as "e" + U+0301).
 */
export function assertStorablePassword(password: string, field = "password"): void {
  assertNoControlCharacter(password, field);
  if (password.includes("\uFFFD")) {
    throw invalidPassword(field, "must be valid UTF-8 text (it holds U+FFFD, the mark of a byte that was not)");
  }
  // A lone surrogate (JSON's "\ud800") has no UTF-8 form: bcryptjs would hash bytes no other
  // implementation makes from that password.
  if (LONE_SURROGATE.test(password)) throw invalidPassword(field, "must be valid Unicode text (it holds half of a surrogate pair)");
  const normalized = normalizePassword(password);
  if (!fitsBcrypt(normalized)) {
    const form = normalized === password ? "" : " once Unicode-normalized (NFKC)";
    throw invalidPassword(field, `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8${form}`);
  }
  // Counted in code points of the normalized form (the schema cannot: "ﬁﬁﬁﬁ" is "fifififi").
  if ([...normalized].length < MIN_PASSWORD_LENGTH) {
    const form = normalized === password ? "" : " once Unicode-normalized (NFKC)";
    throw invalidPassword(field, `must be at least ${MIN_PASSWORD_LENGTH} characters${form}`);
  }
}

export async function hashPassword(password: string): Promise<string> {
  assertStorablePassword(password);
  return bcrypt.hash(normalizePassword(password), getSettings().bcryptCost);
}

// Salt and digest of a hash no password is known to produce. Put behind the configured cost,
// comparing against it takes as long as comparing against a real user's hash.
const DUMMY_SALT_AND_DIGEST = "NW2uU3pLQxQzc4mRdvXL5eYc4G7OBzJZkQkYfPq1mXhD5rV7aTt2K";

function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, "0")}$${DUMMY_SALT_AND_DIGEST}`;
}

/**
 * What to compare with a stored hash: the normalized form and, only when it differs, the
 * password as typed, which is what hashes stored before normalization were made from. Never a
 * string past bcrypt's 72 bytes, which bcrypt would match on its prefix.
 */
function comparableForms(password: string): string[] {
  const normalized = normalizePassword(password);
  return (normalized === password ? [password] : [normalized, password]).filter(fitsBcrypt);
}

/**
 * Whether `password` is the one `hash` was made from. How many comparisons run depends on the
 * password alone, and they run against a dummy hash of the same cost when there is no user, so
 * an unknown username takes as long as a wrong password.
 *
 * A password with a control character is a 400 rather than a plain mismatch: it can never match
 * (none can be stored), the client learns its input is at fault rather than retrying it, and
 * the answer depends on the input alone, never on whether the account exists.
 */
export async function verifyPassword(password: string, hash: string | undefined, field = "password"): Promise<boolean> {
  assertNoControlCharacter(password, field);
  const against = hash ?? dummyHash(getSettings().bcryptCost);
  for (const form of comparableForms(password)) {
    // Stopping at a match tells no one anything: a match is answered as one.
    if (await bcrypt.compare(form, against)) return hash !== undefined;
  }
  return false;
}
