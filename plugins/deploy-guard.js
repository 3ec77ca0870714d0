// @ts-check
// Refuses to package or deploy what must not reach AWS:
// - the local stage `dev`, what `npm start` and `sls invoke local` run: its JWT secret and
//   database URL come from the shell or .env and would be written into the template as plain
//   values (serverless.yml, params.dev). Every other stage reads them from Secrets Manager.
// - a stage that names no browser origins (CORS_ORIGINS or params.<stage>.corsOrigins): there is
//   no safe default, and an empty list would answer every browser with a CORS failure.
// - a stage that names no mail sender (MAIL_FROM) or no Amazon SES identity (MAIL_IDENTITY), or a
//   sender whose address is not of that identity: sendMail's role may send from that identity
//   only (resources/iam.yml, MailSenderRole), so every mail would be refused. An identity is the
//   verified domain or address itself: no wildcard, which would widen the role to every identity.
// Other commands (`sls invoke`, `sls logs`, `sls remove`) need neither.

const LOCAL_STAGE = "dev";
const MAIL_DOCS = "docs/deploy.md#mail-with-amazon-ses";
/**
 * A domain (example.com) or an address (no-reply@example.com); nothing that IAM reads as a
 * wildcard (`*`, `?`), an ARN reads as a path, or Fn::Sub as a variable (`${`).
 */
const SES_IDENTITY = /^(?:[A-Za-z0-9!#%&'+=^_~.-]+@)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export default class DeployGuardPlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    const refuse = () => this.refuseUndeployable();
    this.hooks = {
      // `sls package` and `sls deploy` (which packages first).
      "before:package:initialize": refuse,
      // `sls deploy --package <dir>`, which deploys a package made earlier.
      "before:deploy:deploy": refuse,
      "before:deploy:function:initialize": refuse,
    };
  }

  refuseUndeployable() {
    const { Error } = this.serverless.classes;
    const stage = this.serverless.getProvider("aws").getStage();
    if (stage === LOCAL_STAGE) {
      throw new Error(
        `The "${LOCAL_STAGE}" stage is the local one (npm start, sls invoke local): its secrets come from .env and would ship in the template. ` +
          `Deploy a named stage instead, e.g. sls deploy --stage staging (see docs/deploy.md).`,
      );
    }
    const origins = this.serverless.service.custom?.cors?.origin;
    if (typeof origins !== "string" || origins.trim() === "") {
      throw new Error(
        `The "${stage}" stage names no browser origins: set CORS_ORIGINS=https://app.example.com (comma-separated) in the deploying shell, ` +
          `or params.${stage}.corsOrigins in serverless.yml.`,
      );
    }
    const mail = this.serverless.service.custom?.mail ?? {};
    const identity = typeof mail.identity === "string" ? mail.identity.trim() : "";
    if (identity === "") {
      throw new Error(
        `The "${stage}" stage names no Amazon SES identity to send its mails from: set MAIL_IDENTITY=example.com (the verified domain, or a verified address) ` +
          `in the deploying shell, or params.${stage}.mailIdentity in serverless.yml (see ${MAIL_DOCS}).`,
      );
    }
    if (!SES_IDENTITY.test(identity)) {
      throw new Error(
        `The "${stage}" stage's SES identity (MAIL_IDENTITY or params.${stage}.mailIdentity) must be a domain such as example.com or an address such as no-reply@example.com, ` +
          `as SES lists its verified identities: no wildcard, no spaces (see ${MAIL_DOCS}).`,
      );
    }
    const from = typeof mail.from === "string" ? mail.from.trim() : "";
    if (from === "") {
      throw new Error(
        `The "${stage}" stage names no mail sender: set MAIL_FROM='Example <${identity.includes("@") ? identity : `no-reply@${identity}`}>' (an address of the SES identity ${identity}) ` +
          `in the deploying shell, or params.${stage}.mailFrom in serverless.yml (see ${MAIL_DOCS}).`,
      );
    }
    if (!isOfIdentity(addressOf(from), identity)) {
      // The sender's address is not repeated: the identity says what it should be.
      throw new Error(
        `The "${stage}" stage's MAIL_FROM (or params.${stage}.mailFrom) is not an address of its SES identity ${identity}: ` +
          `SES would refuse every mail, and sendMail's role may send from that identity only. ` +
          (identity.includes("@") ? `Send from ${identity} itself` : `Send from an address @${identity}`) +
          `, or verify the sender's own domain and name it in MAIL_IDENTITY (see ${MAIL_DOCS}).`,
      );
    }
  }
}

/** The address of `Name <address>`, or the value itself when it is a bare address. */
export function addressOf(/** @type {string} */ from) {
  const bracketed = /<([^<>]*)>\s*$/.exec(from);
  return (bracketed ? bracketed[1] ?? "" : from).trim();
}

/**
 * Whether SES sends `address` as `identity`: the address itself, or an address of the domain
 * (compared without case, as DNS does). A subdomain is not the domain: this role names one identity.
 */
export function isOfIdentity(/** @type {string} */ address, /** @type {string} */ identity) {
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const wanted = identity.toLowerCase();
  if (wanted.includes("@")) return address.toLowerCase() === wanted;
  return address.slice(at + 1).toLowerCase() === wanted;
}
