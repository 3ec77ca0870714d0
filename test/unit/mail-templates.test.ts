import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../lib/http/escape-html.ts";
import { maskAddress, renderMail, type MailMessage } from "../../lib/mail/templates.ts";

// The account mails (lib/mail/templates.ts): what each says, in both parts, and that nothing a
// user chose can add markup to the HTML.

const LINK = "https://api.example.com/prod/api/auth/reset-password#token=AbC-_123";
const HOSTILE = `<img src=x onerror="alert('x')">&`;

const messages: [string, MailMessage, RegExp][] = [
  ["reset", { kind: "reset", username: "ann", link: LINK, expiresInMinutes: 60 }, /^Reset your Acme password$/],
  ["verify", { kind: "verify", username: "ann", link: LINK, expiresInHours: 24 }, /^Confirm your email address for Acme$/],
  ["change", { kind: "change", username: "ann", link: LINK, expiresInHours: 24 }, /^Confirm your new email address for Acme$/],
  ["change-notice", { kind: "change-notice", username: "ann", newAddress: "new.owner@example.org" }, /^Your Acme email address is being changed$/],
];

describe("renderMail", () => {
  it.each(messages)("gives the %s mail its subject and greets the user in both parts", (_kind, message, subject) => {
    const mail = renderMail(message, "Acme");
    expect(mail.subject).toMatch(subject);
    expect(mail.text).toContain("Hello ann,");
    expect(mail.html).toContain("<p>Hello ann,</p>");
  });

  it.each(messages.filter(([kind]) => kind !== "change-notice"))("puts the link once in the %s mail's text and as the HTML's only href", (_kind, message) => {
    const mail = renderMail(message, "Acme");
    expect(mail.text.split(LINK)).toHaveLength(2);
    expect([...mail.html.matchAll(/href="([^"]*)"/g)].map((match) => match[1])).toEqual([LINK]);
  });

  it("says how long the reset link works", () => {
    const mail = renderMail({ kind: "reset", username: "ann", link: LINK, expiresInMinutes: 30 }, "Acme");
    expect(mail.text).toContain("within 30 minutes");
  });

  it("shows the notice's new address masked, in neither part in full", () => {
    const mail = renderMail({ kind: "change-notice", username: "ann", newAddress: "new.owner@example.org" }, "Acme");
    expect(mail.text).toContain("n***@example.org");
    expect(mail.text).not.toContain("new.owner");
    expect(mail.html).not.toContain("new.owner");
    expect(mail.html).not.toContain("href");
  });

  it("escapes a username and a product name that hold markup in the HTML, not in the text", () => {
    const mail = renderMail({ kind: "verify", username: HOSTILE, link: LINK, expiresInHours: 24 }, `Acme <b>`);
    expect(mail.html).not.toContain("<img");
    expect(mail.html).not.toContain("<b>");
    expect(mail.html).toContain(escapeHtml(HOSTILE));
    expect(mail.text).toContain(`Hello ${HOSTILE},`);
  });

  it("escapes quotes in a link, so that it cannot leave its href", () => {
    const mail = renderMail({ kind: "reset", username: "ann", link: `${LINK}" onclick="x`, expiresInMinutes: 60 }, "Acme");
    expect(mail.html).not.toContain('" onclick="');
  });
});

describe("maskAddress", () => {
  it.each([
    ["ann@example.com", "a***@example.com"],
    ["a@b.co", "a***@b.co"],
    ["no-at-sign", "***"],
    ["@example.com", "***"],
  ])("masks %s as %s", (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });
});
