import { ROLE_NAMES } from "./roles.ts";

// JSON Schema fragments for the fields every input shares, and the password rules behind them.
// Plain data: the schemas built from these load no runtime library.

export const MIN_PASSWORD_LENGTH = 8;
/** bcrypt reads only the first 72 bytes; a longer password would be silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

export const usernameField = { type: "string", minLength: 3, maxLength: 32, pattern: "^[A-Za-z0-9_.-]+$" } as const;
export const emailField = { type: "string", maxLength: 254, format: "email" } as const;
// The upper bound in bytes (bcrypt's 72) is checked in lib/auth/passwords.ts: JSON Schema counts characters.
export const newPasswordField = { type: "string", minLength: MIN_PASSWORD_LENGTH } as const;
/** A password to compare, not to store: any non-empty string, bounded so bcrypt's input stays small. */
export const presentedPasswordField = { type: "string", minLength: 1, maxLength: 1024 } as const;
export const roleNamesField = {
  type: "array",
  items: { type: "string", enum: ROLE_NAMES },
  uniqueItems: true,
  maxItems: ROLE_NAMES.length,
} as const;
