// @ts-check
// Lets the service declare the REST API's stage as a resource of its own (`ApiGatewayStage`, an
// AWS::ApiGateway::Stage, in resources/api-stage.yml), so that stage settings such as throttling
// are in the template and every `sls deploy` applies them.
//
// osls cannot say this by itself. It makes the stage implicitly, through the StageName of its
// AWS::ApiGateway::Deployment, whose logical id is new on every run (ApiGatewayDeployment<time>),
// so serverless.yml can neither Ref nor extend it. CloudFormation takes a Deployment's
// StageDescription only when that creates the stage ("StageDescription cannot be specified when
// stage referenced by StageName already exists" on the next deploy), and refuses a Stage resource
// for a stage a Deployment made ("<stage> already exists"). osls's own stage options (logs,
// tracing, tags) are applied by API calls after the deploy, outside the template. So, as AWS SAM
// does: this run's Deployment makes no stage, and the Stage resource points to it.
//
// Two consequences. A stack deployed before this plugin has a stage its old Deployment made: delete
// it once (`aws apigateway delete-stage`) right before the first deploy with the plugin, or
// CloudFormation stops at "<stage> already exists" and rolls back. And `sls deploy` no longer skips
// an unchanged service: the Stage refers to the deployment by its new id, so every template differs
// from the last one (osls hides that id only in the deployment's own name).

const STAGE = "ApiGatewayStage";

export default class ApiGatewayStagePlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // After the service's resources (resources/*.yml) are merged into the template, before it
      // is written.
      "after:aws:package:finalize:mergeCustomProviderResources": () => this.bindStageToDeployment(),
    };
  }

  bindStageToDeployment() {
    /** @type {Record<string, any>} */
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const fail = (/** @type {string} */ message) => {
      throw new this.serverless.classes.Error(`plugins/api-gateway-stage.js: ${message}`);
    };
    const deployments = Object.keys(resources).filter((id) => resources[id].Type === "AWS::ApiGateway::Deployment");
    if (deployments.length !== 1) fail(`expected one AWS::ApiGateway::Deployment, found ${deployments.length}`);
    const deploymentId = /** @type {string} */ (deployments[0]);
    const deployment = resources[deploymentId];
    const stage = resources[STAGE];
    if (stage?.Type !== "AWS::ApiGateway::Stage") fail(`resources.Resources.${STAGE} must be an AWS::ApiGateway::Stage`);
    if (stage.Properties?.StageName !== deployment.Properties.StageName) {
      fail(`${STAGE}'s StageName (${stage.Properties?.StageName}) is not the deployment's stage (${deployment.Properties.StageName})`);
    }
    if (stage.Properties.DeploymentId !== undefined) fail(`${STAGE} must leave DeploymentId to this plugin`);

    delete deployment.Properties.StageName;
    stage.Properties.DeploymentId = { Ref: deploymentId };
    // A deployment publishes a snapshot of the API, gateway responses included (the CDK makes
    // its deployments depend on them for the same reason): without this, CloudFormation may take
    // the snapshot before a changed gateway response is updated, and the stage keeps the old one.
    const gatewayResponses = Object.keys(resources).filter((id) => resources[id].Type === "AWS::ApiGateway::GatewayResponse");
    deployment.DependsOn = [deployment.DependsOn ?? []].flat().concat(gatewayResponses);
  }
}
