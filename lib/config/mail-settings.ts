import { ConfigError, onResetConfig } from "./environment.ts";

// The mail sender's settings (functions/ops/send-mail.ts), read once per container. Apart from
// account-settings.ts: only the sender's bundle reads them.

export interface MailSettings {
  /** `smtp://host:port`: locally MailDev. Unset: Amazon SES (API v2) with the function's role. */
  smtpUrl: string | undefined;
  /** The sender, `Name <address>` or an address; deployed, an address of the stage's SES identity. */
  from: string;
  /** Named in every subject and greeting. */
  productName: string;
}

const DEFAULT_PRODUCT_NAME = "Auth API";
const PRODUCT_NAME_MAX = 60;

let settings: MailSettings | undefined;
onResetConfig(() => {
  settings = undefined;
});

function smtpUrlFrom(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("SMTP_URL must be an smtp:// or smtps:// URL");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new ConfigError("SMTP_URL must be an smtp:// or smtps:// URL");
  return raw;
}

function fromAddress(raw: string | undefined): string {
  // An address, bare or in angle brackets after a name; no line breaks (header injection).
  if (!raw || /[\r\n]/.test(raw) || !/(^|<)[^\s<>@]+@[^\s<>@]+\.?[^\s<>@]*>?$/.test(raw.trim())) {
    throw new ConfigError("MAIL_FROM must be the sender's address, such as 'Example <no-reply@example.com>'");
  }
  return raw.trim();
}

function productNameFrom(raw: string | undefined): string {
  const name = (raw ?? "").trim();
  if (name === "") return DEFAULT_PRODUCT_NAME;
  if (name.length > PRODUCT_NAME_MAX || /[\p{Cc}]/u.test(name)) {
    throw new ConfigError(`PRODUCT_NAME must be at most ${PRODUCT_NAME_MAX} characters, with no control characters`);
  }
  return name;
}

export function getMailSettings(): MailSettings {
  settings ??= {
    smtpUrl: smtpUrlFrom(process.env.SMTP_URL),
    from: fromAddress(process.env.MAIL_FROM),
    productName: productNameFrom(process.env.PRODUCT_NAME),
  };
  return settings;
}
