// Reading the mails the stack sent from MailDev's REST API (maildev 2: `GET /email`), as a
// developer reads them in its web UI.

export interface CaughtMail {
  id: string;
  to: { address: string; name: string }[];
  subject: string;
  text: string;
  html: string;
  /** When MailDev received it (ISO 8601). */
  date: string;
}

/** Every mail caught for the address (case-insensitive), oldest first. */
export async function mailsTo(mailApiUrl: string, address: string): Promise<CaughtMail[]> {
  const response = await fetch(`${mailApiUrl}/email`);
  if (!response.ok) throw new Error(`MailDev answered ${response.status}`);
  const mails = (await response.json()) as CaughtMail[];
  const wanted = address.toLowerCase();
  return mails
    .filter((mail) => mail.to.some((recipient) => recipient.address.toLowerCase() === wanted))
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
}

export interface MailWait {
  subject?: RegExp;
  /** Only mails received at or after this time. */
  after?: Date;
  timeoutMs: number;
}

/** The first mail to the address that matches, as soon as MailDev has it. */
export async function waitForMail(mailApiUrl: string, address: string, { subject, after, timeoutMs }: MailWait): Promise<CaughtMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = (await mailsTo(mailApiUrl, address)).find(
      (candidate) => (!subject || subject.test(candidate.subject)) && (!after || Date.parse(candidate.date) >= after.getTime() - 1_000),
    );
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no mail${subject ? ` matching ${String(subject)}` : ""} arrived within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The one link of the mail's text part. */
export function linkIn(mail: CaughtMail): string {
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  if (links.length !== 1) throw new Error(`expected one link in the mail, found ${links.length}`);
  return links[0];
}

/** The token a mailed link carries in its fragment (`#token=…`). */
export function tokenIn(link: string): string {
  const token = new URL(link).hash.match(/^#token=([\w-]+)$/)?.[1];
  if (!token) throw new Error("the link carries no token in its fragment");
  return token;
}

/**
 * The address's mails once there are at least `count`. MailDev lists a mail a moment after its
 * SMTP server took it, so the sender's outbox row may say sent before the mail shows here.
 */
export async function waitForMails(mailApiUrl: string, address: string, count: number, timeoutMs: number): Promise<CaughtMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(mailApiUrl, address);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails arrived within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
