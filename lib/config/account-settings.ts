import { ConfigError, integerFrom, oneOf, onResetConfig } from "./environment.ts";

// The settings of account recovery and verified email, read once per container. Apart from
// settings.ts so that the bundles that mail nothing do not carry them.

export const EMAIL_VERIFICATION_POLICIES = ["optional", "required"] as const;
export type EmailVerificationPolicy = (typeof EMAIL_VERIFICATION_POLICIES)[number];

export interface AccountSettings {
  /** `required`: an account whose address is not verified cannot sign in. */
  emailVerification: EmailVerificationPolicy;
  resetTokenTtlSeconds: number;
  /** Verification and email-change tokens. */
  verifyTokenTtlSeconds: number;
  /** Mails per address per hour; past it, requests still answer 202 and nothing is sent. */
  mailsPerAddressPerHour: number;
}

const HOUR_SECONDS = 60 * 60;

let settings: AccountSettings | undefined;
onResetConfig(() => {
  settings = undefined;
});

function linkBaseFrom(name: string): string {
  const raw = process.env[name] ?? "";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name} must be an http(s) URL`);
  if (url.search || url.hash) throw new ConfigError(`${name} must have no query and no fragment`);
  return raw.replace(/\/+$/, "");
}

export function getAccountSettings(): AccountSettings {
  settings ??= {
    emailVerification: oneOf("EMAIL_VERIFICATION", EMAIL_VERIFICATION_POLICIES, "optional"),
    resetTokenTtlSeconds: integerFrom("RESET_TOKEN_TTL", HOUR_SECONDS, 5 * 60, 24 * HOUR_SECONDS),
    verifyTokenTtlSeconds: integerFrom("VERIFY_TOKEN_TTL", 24 * HOUR_SECONDS, HOUR_SECONDS, 7 * 24 * HOUR_SECONDS),
    mailsPerAddressPerHour: integerFrom("MAILS_PER_ADDRESS_PER_HOUR", 5, 1, 100),
  };
  return settings;
}

/**
 * Where mailed links lead: `<base>/reset-password#token=…` and `<base>/verify-email#token=…`.
 * serverless.yml sets it to the API's own pages (`<stage URL>/api/auth`) unless the stage names a
 * front end. Only the mail sender reads it.
 */
export function getAccountLinkBaseUrl(): string {
  return linkBaseFrom("ACCOUNT_LINK_BASE_URL");
}
