import { escapeHtml } from "../http/escape-html.ts";

// The four mails the API sends, each as plain text and as HTML. Every value a user chose (the
// username, an address) and the configured product name is escaped in the HTML; the link is
// made by the sender from the configured base and a base64url token, and escaped all the same.

export type MailMessage =
  | { kind: "reset"; username: string; link: string; expiresInMinutes: number }
  | { kind: "verify"; username: string; link: string; expiresInHours: number }
  | { kind: "change"; username: string; link: string; expiresInHours: number }
  | { kind: "change-notice"; username: string; newAddress: string };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** `j***@example.com`: enough for the owner to recognise the address, not to learn it. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 1) return "***";
  return `${address[0]}***${address.slice(at)}`;
}

/** A paragraph is a list of pieces: text, or a link shown as itself. */
type Piece = string | { link: string };
interface Mail {
  subject: string;
  paragraphs: Piece[][];
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

function compose(message: MailMessage, product: string): Mail {
  const hello = [`Hello ${message.username},`];
  switch (message.kind) {
    case "reset":
      return {
        subject: `Reset your ${product} password`,
        paragraphs: [
          hello,
          [`Someone, hopefully you, asked to reset the password of your ${product} account. Open this link to choose a new password:`],
          [{ link: message.link }],
          [`The link works once, within ${plural(message.expiresInMinutes, "minute")}. If you did not ask for it, ignore this mail: your password stays as it is.`],
        ],
      };
    case "verify":
      return {
        subject: `Confirm your email address for ${product}`,
        paragraphs: [
          hello,
          [`Please confirm that this address belongs to your ${product} account by opening this link:`],
          [{ link: message.link }],
          [`The link works once, within ${plural(message.expiresInHours, "hour")}. If you did not create an account, ignore this mail.`],
        ],
      };
    case "change":
      return {
        subject: `Confirm your new email address for ${product}`,
        paragraphs: [
          hello,
          [`Someone, hopefully you, asked to make this the email address of your ${product} account. Open this link to confirm it:`],
          [{ link: message.link }],
          [`Until then the account keeps its old address. The link works once, within ${plural(message.expiresInHours, "hour")}. If you did not ask for this, ignore this mail.`],
        ],
      };
    case "change-notice":
      return {
        subject: `Your ${product} email address is being changed`,
        paragraphs: [
          hello,
          [`Someone signed in to your ${product} account and asked to change its email address to ${maskAddress(message.newAddress)}. The change applies only once that address confirms it.`],
          [`If this was not you, sign in and change your password now, or reset it from the sign-in page.`],
        ],
      };
  }
}

function textOf(piece: Piece): string {
  return typeof piece === "string" ? piece : piece.link;
}

function htmlOf(piece: Piece): string {
  return typeof piece === "string" ? escapeHtml(piece) : `<a href="${escapeHtml(piece.link)}">${escapeHtml(piece.link)}</a>`;
}

export function renderMail(message: MailMessage, productName: string): RenderedMail {
  const { subject, paragraphs } = compose(message, productName);
  const text = `${paragraphs.map((paragraph) => paragraph.map(textOf).join("")).join("\n\n")}\n`;
  const body = paragraphs.map((paragraph) => `<p>${paragraph.map(htmlOf).join("")}</p>`).join("\n");
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body>\n${body}\n</body></html>\n`;
  return { subject, text, html };
}
