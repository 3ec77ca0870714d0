// The messages of account recovery and verified email, shared by the use cases and the route
// table that documents them (the OpenAPI description).

// One text for every token refused (unknown, spent, expired, superseded, malformed, or bound to
// an address the account no longer has): which one it was would only help someone probing.
export const INVALID_ACCOUNT_TOKEN = "This link is invalid, expired or already used: ask for a new one";

// The same answer whether or not an account has the address, and whether or not a mail is sent.
export const RESET_MAIL_ON_ITS_WAY = "If an account has this address, a link to reset its password is on its way to it";
export const VERIFY_MAIL_ON_ITS_WAY = "If the address still needs verifying, a link to verify it is on its way to it";
export const CHANGE_MAIL_ON_ITS_WAY = "A link to confirm the new address is on its way to it; the change applies once it is opened";

export const RESEND_TARGET_MISSING = "Send your Bearer token, or the address to verify as {\"email\": …}";
export const RESEND_TARGETS_BOTH = "Send either a Bearer token or {\"email\": …}, not both";
export const SAME_EMAIL = "must differ from the account's current address";
