import { afterEach, describe, expect, it } from "vitest";
import { getMailSettings } from "../../lib/config/mail-settings.ts";
import { resetConfig } from "../../lib/config/environment.ts";

// The mail sender's settings (lib/config/mail-settings.ts).

function settingsWith(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetConfig();
  return getMailSettings();
}

const FROM = "Acme <no-reply@acme.example>";

afterEach(() => {
  for (const name of ["SMTP_URL", "MAIL_FROM", "PRODUCT_NAME"]) delete process.env[name];
  resetConfig();
});

describe("getMailSettings", () => {
  it("sends with SES when SMTP_URL is empty or unset, and names the product 'Auth API' by default", () => {
    expect(settingsWith({ MAIL_FROM: FROM, SMTP_URL: "" })).toEqual({ smtpUrl: undefined, from: FROM, productName: "Auth API" });
    expect(settingsWith({ MAIL_FROM: FROM, SMTP_URL: undefined }).smtpUrl).toBeUndefined();
  });

  it("takes an smtp:// URL and a product name", () => {
    expect(settingsWith({ MAIL_FROM: FROM, SMTP_URL: "smtp://127.0.0.1:1025", PRODUCT_NAME: " Acme " })).toEqual({
      smtpUrl: "smtp://127.0.0.1:1025",
      from: FROM,
      productName: "Acme",
    });
  });

  it.each([["no-reply@acme.example"], ["Acme <no-reply@acme.example>"]])("takes %s as the sender", (from) => {
    expect(settingsWith({ MAIL_FROM: from }).from).toBe(from);
  });

  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["without an @", "Acme"],
    ["with a line break (header injection)", "no-reply@acme.example\r\nBcc: all@acme.example"],
  ])("refuses a MAIL_FROM that is %s", (_case, from) => {
    expect(() => settingsWith({ MAIL_FROM: from })).toThrow(/^MAIL_FROM must be the sender's address/);
  });

  it.each([["http://mail.example"], ["not a url"]])("refuses SMTP_URL %s", (url) => {
    expect(() => settingsWith({ MAIL_FROM: FROM, SMTP_URL: url })).toThrow("SMTP_URL must be an smtp:// or smtps:// URL");
  });

  it.each([
    ["longer than 60 characters", "x".repeat(61)],
    ["with a control character", "Acme\u0007"],
  ])("refuses a PRODUCT_NAME %s", (_case, name) => {
    expect(() => settingsWith({ MAIL_FROM: FROM, PRODUCT_NAME: name })).toThrow(/^PRODUCT_NAME must be at most 60 characters/);
  });
});
