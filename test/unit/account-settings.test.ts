import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getAccountLinkBaseUrl, getAccountSettings } from "../../lib/config/account-settings.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { accountTokenHash, newAccountToken } from "../../lib/auth/account-tokens.ts";

// The settings of account recovery and verified email, and the form of the tokens it mails.

const saved = { ...process.env };
const NAMES = ["EMAIL_VERIFICATION", "RESET_TOKEN_TTL", "VERIFY_TOKEN_TTL", "MAILS_PER_ADDRESS_PER_HOUR", "ACCOUNT_LINK_BASE_URL"];

beforeEach(() => {
  for (const name of NAMES) delete process.env[name];
  resetConfig();
});

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

describe("account settings", () => {
  it("defaults to optional verification, 1 h reset links, 24 h verification links and 5 mails an hour", () => {
    expect(getAccountSettings()).toEqual({
      emailVerification: "optional",
      resetTokenTtlSeconds: 3600,
      verifyTokenTtlSeconds: 86400,
      mailsPerAddressPerHour: 5,
    });
  });

  it.each([
    ["EMAIL_VERIFICATION", "always", "EMAIL_VERIFICATION must be one of optional, required"],
    ["RESET_TOKEN_TTL", "60", "RESET_TOKEN_TTL must be an integer from 300 to 86400"],
    ["VERIFY_TOKEN_TTL", "2h", "VERIFY_TOKEN_TTL must be an integer from 3600 to 604800"],
    ["MAILS_PER_ADDRESS_PER_HOUR", "0", "MAILS_PER_ADDRESS_PER_HOUR must be an integer from 1 to 100"],
  ])("refuses %s=%s with the message %j", (name, value, message) => {
    process.env[name] = value;
    expect(() => getAccountSettings()).toThrow(message);
  });

  it("takes a link base without its trailing slashes", () => {
    process.env.ACCOUNT_LINK_BASE_URL = "https://app.example.com/account//";
    expect(getAccountLinkBaseUrl()).toBe("https://app.example.com/account");
  });

  it.each(["", "app.example.com", "javascript:alert(1)", "https://app.example.com/?next=1", "https://app.example.com/#x"])(
    "refuses the link base %j: links must be plain http(s) URLs",
    (value) => {
      process.env.ACCOUNT_LINK_BASE_URL = value;
      expect(() => getAccountLinkBaseUrl()).toThrow(/ACCOUNT_LINK_BASE_URL must/);
    },
  );
});

describe("account tokens", () => {
  it("are 43 base64url characters, a new one each time, stored as their SHA-256", () => {
    const tokens = Array.from({ length: 100 }, () => newAccountToken());
    expect(new Set(tokens.map(({ token }) => token)).size).toBe(100);
    for (const { token, hash } of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(accountTokenHash(token)).toBe(hash);
    }
  });

  it.each(["", "short", "a".repeat(44), `${"a".repeat(42)}=`, `${"a".repeat(42)}+`, `${"a".repeat(42)}\n`])(
    "finds no hash for %j, which this API never mails",
    (presented) => {
      expect(accountTokenHash(presented)).toBeUndefined();
    },
  );
});
