// @ts-check
// `sls offline start` on the local stage also starts MailDev, the mail catcher the local sendMail
// function delivers to (SMTP_URL): every mail the API sends shows in its web UI, and tests read
// it through its REST API (`GET /email`). Ports and the folder it keeps mails in come from
// custom.localMail in serverless.yml (MAILDEV_SMTP_PORT, MAILDEV_WEB_PORT, MAILDEV_MAIL_DIRECTORY).
//
// A child process in serverless-offline's process group, not MailDev's API in this process:
// MailDev installs SIGINT/SIGTERM handlers that exit the process, which would cut
// serverless-offline's own shutdown short. Ctrl-C and a test's stop of the group reach it too.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { connect } from "node:net";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";

const LOCAL_STAGE = "dev";
const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 15_000;

/** @param {number} port */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export default class LocalMailPlugin {
  /** @param {any} serverless @param {Record<string, unknown>} options @param {{ log: any }} utils */
  constructor(serverless, options, { log }) {
    this.serverless = serverless;
    this.options = options;
    this.log = log;
    /** @type {import("node:child_process").ChildProcess | undefined} */
    this.child = undefined;
    this.hooks = {
      "before:offline:start:init": () => this.start(),
      "offline:start:end": () => this.stop(),
    };
  }

  async start() {
    if (this.serverless.getProvider("aws").getStage() !== LOCAL_STAGE) return;
    const config = this.serverless.service.custom?.localMail ?? {};
    const smtpPort = Number(config.smtpPort);
    const webPort = Number(config.webPort);
    if (await accepts(smtpPort)) {
      this.log.warning(`Port ${smtpPort} already takes connections: mails go to whatever listens there (another MailDev?).`);
      return;
    }
    const bin = createRequire(import.meta.url).resolve("maildev/bin/maildev");
    const args = ["--smtp", String(smtpPort), "--web", String(webPort), "--ip", HOST, "--web-ip", HOST, "--mail-directory", String(config.mailDirectory), "--silent"];
    let output = "";
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    process.once("exit", () => child.kill());

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(smtpPort))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        this.log.warning(`MailDev did not start; mails stay queued until it does:\n${output}`);
        return;
      }
      await sleep(100);
    }
    this.log.notice(`MailDev: every mail the API sends shows at http://${HOST}:${webPort} (SMTP on port ${smtpPort})`);
  }

  stop() {
    this.child?.kill();
  }
}
