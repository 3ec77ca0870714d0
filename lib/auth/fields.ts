import { ROLE_NAMES } from "./roles.ts";

// JSON Schema fragments for the fields every input shares, and the password rules behind them.
// Plain data: the schemas built from these load no runtime library. Each pattern has its words
// in lib/validation/field-errors.ts.

export const MIN_PASSWORD_LENGTH = 8;
/** bcrypt reads only the first 72 bytes; a longer password would be silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

const USERNAME_CHARACTERS = "^[A-Za-z0-9_.-]+$";
/** A name for new accounts: `...` or `-x-` would be a poor name to show and to type. */
export const usernameField = {
  type: "string",
  description: "3 to 32 characters: letters, digits, `_`, `.` and `-`, starting and ending with a letter or digit.",
  // In allOf, in this order, so that the first problem said is the length ("" is too short).
  allOf: [{ minLength: 3, maxLength: 32 }, { pattern: USERNAME_CHARACTERS }, { pattern: "^[A-Za-z0-9](.*[A-Za-z0-9])?$" }],
} as const;
/**
 * A name to look up (signin, promote): the rules accounts were made under before names had to
 * start and end with a letter or digit, so those accounts still sign in.
 */
export const existingUsernameField = {
  type: "string",
  description: "The account's username (the same name in any letter case finds it).",
  minLength: 3,
  maxLength: 32,
  pattern: USERNAME_CHARACTERS,
} as const;
export const emailField = { type: "string", description: "An email address, at most 254 characters.", maxLength: 254, format: "email" } as const;

/** C0 controls, DEL and C1 controls: none can be typed, and C implementations of bcrypt stop at NUL. */
const NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
// Both bounds (8 characters, bcrypt's 72 bytes) are checked in lib/auth/passwords.ts on the NFKC form
// that is hashed: JSON Schema sees only the form sent, where "ﬁﬁﬁﬁ" is 4 characters of "fifififi".
export const newPasswordField = {
  type: "string",
  description: `At least ${MIN_PASSWORD_LENGTH} characters and at most ${MAX_PASSWORD_BYTES} bytes in UTF-8, with no control characters.`,
  minLength: 1,
  pattern: NO_CONTROL_CHARACTERS,
} as const;
/** A password to compare, not to store: any non-empty string, bounded so bcrypt's input stays small. */
export const presentedPasswordField = {
  type: "string",
  description: "The account's current password.",
  minLength: 1,
  maxLength: 1024,
  pattern: NO_CONTROL_CHARACTERS,
} as const;
export const roleNamesField = {
  type: "array",
  description: "Role names to grant. Every account keeps `user`; granting `moderator` or `admin` takes an admin.",
  items: { type: "string", enum: ROLE_NAMES },
  uniqueItems: true,
  maxItems: ROLE_NAMES.length,
} as const;
