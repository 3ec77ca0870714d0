// What must never appear in a log line: credentials by their shape, and the run's own secrets by
// value. Used on the log of a whole e2e run (test/setup/e2e.global.ts) and by test/e2e/security.

const LEAK_SHAPES: Record<string, RegExp> = {
  "an access token (JWT)": /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/,
  "a bcrypt hash": /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/,
  "a refresh token": /\b[0-9a-f]{32}\.[\w-]{43}\b/,
  // The passwords test/support/http.ts newAccount() makes.
  "a test account's password": /pw-[A-Za-z0-9_.-]+-secret/,
};

/** The kinds of secret found in `log` (never the secrets themselves, which would leak them again). */
export function leakedSecretKinds(log: string, secrets: Record<string, string> = {}): string[] {
  const shapes = Object.entries(LEAK_SHAPES).filter(([, shape]) => shape.test(log)).map(([kind]) => kind);
  const values = Object.entries(secrets).filter(([, value]) => value !== "" && log.includes(value)).map(([kind]) => kind);
  return [...shapes, ...values];
}
