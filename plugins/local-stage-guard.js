// @ts-check
// Refuses to package or deploy the local stage. `dev` is what `npm start` and `sls invoke local`
// run: its JWT secret and database URL come from the shell or .env and would be written into the
// template as plain values (serverless.yml, params.dev). Every other stage reads them from
// Secrets Manager, so a deployable stage is one more name away.

const LOCAL_STAGE = "dev";

export default class LocalStageGuardPlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    const refuseLocalStage = () => this.refuseLocalStage();
    this.hooks = {
      // `sls package` and `sls deploy` (which packages first).
      "before:package:initialize": refuseLocalStage,
      // `sls deploy --package <dir>`, which deploys a package made earlier.
      "before:deploy:deploy": refuseLocalStage,
      "before:deploy:function:initialize": refuseLocalStage,
    };
  }

  refuseLocalStage() {
    const stage = this.serverless.getProvider("aws").getStage();
    if (stage !== LOCAL_STAGE) return;
    throw new this.serverless.classes.Error(
      `The "${LOCAL_STAGE}" stage is the local one (npm start, sls invoke local): its secrets come from .env and would ship in the template. ` +
        `Deploy a named stage instead, e.g. sls deploy --stage staging (see the README's deploy guide).`,
    );
  }
}
