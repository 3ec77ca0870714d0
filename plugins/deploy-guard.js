// @ts-check
// Refuses to package or deploy what must not reach AWS:
// - the local stage `dev`, what `npm start` and `sls invoke local` run: its JWT secret and
//   database URL come from the shell or .env and would be written into the template as plain
//   values (serverless.yml, params.dev). Every other stage reads them from Secrets Manager.
// - a stage that names no browser origins (CORS_ORIGINS or params.<stage>.corsOrigins): there is
//   no safe default, and an empty list would answer every browser with a CORS failure.
// Other commands (`sls invoke`, `sls logs`, `sls remove`) need neither.

const LOCAL_STAGE = "dev";

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
  }
}
