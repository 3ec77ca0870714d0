import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { urlForLockWaits } from "../support/lock-waits.ts";
import { freePort, startOffline, type OfflineServer } from "../support/offline.ts";
import { prepareRunDatabase, TEST_ORIGIN } from "../support/run-database.ts";
import { leakedSecretKinds } from "../support/log-leaks.ts";
import { removeAbandonedBuildFolders, runBuildFolder } from "../support/test-run.ts";

// The e2e project's run: a database of its own and one serverless-offline serving the dev stage
// against it, with the MailDev it starts (plugins/local-mail.js) on free ports. All are gone when
// the run ends, passed, failed or interrupted.

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** For test/harness/, which checks that an interrupted run stops it. */
    offlinePid: number;
    /** Where serverless-offline's output (the handlers' log lines included) is appended as it comes. */
    offlineLog: string;
    /** MailDev's REST API, where the stack's mails arrive (test/support/maildev.ts). */
    mailApiUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await prepareRunDatabase(project);
  // Build folders per run: a second run in this checkout (the harness's, or another terminal's)
  // would otherwise rebuild the bundles under this one's server.
  removeAbandonedBuildFolders();
  const buildFolder = runBuildFolder();
  database.guard.removeFolder(buildFolder);
  const offlineLog = `${buildFolder}/offline.log`;
  mkdirSync(buildFolder, { recursive: true });
  const [mailSmtpPort, mailWebPort] = [await freePort(), await freePort()];
  let offline: OfflineServer;
  try {
    offline = await startOffline(
      {
        // Burst tests hold a row lock until every request waits for it; the database's faults
        // and their 1.5 s socket timeout are tested in test/db and bench:faults.
        DATABASE_URL: urlForLockWaits(database.url),
        JWT_SECRET: database.jwtSecret,
        JWT_PRIVATE_KEY: database.jwtPrivateKey,
        CORS_ORIGINS: TEST_ORIGIN,
        ACCESS_TOKEN_TTL: "900",
        // The lowest cost bcrypt allows keeps the suite fast; the cost setting itself is unit-tested.
        BCRYPT_COST: "4",
        ESBUILD_WORK_FOLDER: `${buildFolder}/offline`,
        MAILDEV_SMTP_PORT: String(mailSmtpPort),
        MAILDEV_WEB_PORT: String(mailWebPort),
        MAILDEV_MAIL_DIRECTORY: `${buildFolder}/mails`,
      },
      (pgid) => database.guard.stopGroup(pgid),
      offlineLog,
    );
  } catch (error) {
    rmSync(buildFolder, { recursive: true, force: true });
    await database.end();
    throw error;
  }
  project.provide("baseUrl", offline.baseUrl);
  project.provide("offlinePid", offline.pid);
  project.provide("offlineLog", offlineLog);
  project.provide("mailApiUrl", `http://127.0.0.1:${mailWebPort}`);

  return async () => {
    await offline.stop();
    rmSync(buildFolder, { recursive: true, force: true });
    // What the handlers logged, for reading after a failed run.
    writeFileSync(".test-offline.log", offline.output());
    await database.end();
    // The whole run's log, every test's traffic in it: no line may hold a credential.
    const leaks = leakedSecretKinds(offline.output(), {
      "the JWT secret": database.jwtSecret,
      // A line from the middle of the PEM: any part of the key in a log is a leak.
      "the JWT private key": database.jwtPrivateKey.split("\n")[5]!,
    });
    if (leaks.length > 0) {
      // vitest reports an error thrown here but still exits with 0: fail the run explicitly.
      process.exitCode = 1;
      throw new Error(`The handlers' log (.test-offline.log) holds ${leaks.join(", ")}`);
    }
  };
}
