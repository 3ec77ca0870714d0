// @ts-check
// A function whose `vpc` names no subnets and no security groups runs outside any VPC: this
// removes that `vpc` before osls builds the role and the functions.
//
// serverless.yml gives the functions that reach the database `vpc: ${self:custom.databaseVpc}`,
// the stage's subnet and security group ids split from params; a stage that gives none (a public
// database, the local stage) splits empty strings. osls's variables cannot leave a key out, and
// osls treats a function with any `vpc` key, null or empty ones included, as a VPC function: it
// gives the shared role AWS's AWSLambdaVPCAccessExecutionRole (creating and deleting network
// interfaces on "*"), and an empty `vpc` would become a VpcConfig of empty lists.

export default class OptionalVpcPlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // osls merges the role's policies at package:setupProviderConfiguration and compiles the
      // functions later, both from the functions' `vpc`.
      "before:package:setupProviderConfiguration": () => this.dropEmptyVpcs(),
    };
  }

  dropEmptyVpcs() {
    /** @type {Record<string, { vpc?: { subnetIds?: unknown, securityGroupIds?: unknown } | null | false }>} */
    const functions = this.serverless.service.functions;
    for (const [name, definition] of Object.entries(functions)) {
      const vpc = definition.vpc;
      if (!vpc) continue;
      const noSubnets = namesNone(vpc.subnetIds);
      const noSecurityGroups = namesNone(vpc.securityGroupIds);
      if (noSubnets !== noSecurityGroups) {
        throw new this.serverless.classes.Error(
          `plugins/optional-vpc.js: function ${name} has ${noSubnets ? "security groups but no subnets" : "subnets but no security groups"}: ` +
            "give the stage both subnetIds and securityGroupIds, or neither",
        );
      }
      if (noSubnets) delete definition.vpc;
    }
  }
}

/** No ids: an empty list, or CloudFormation's split of an empty string (an unset param). */
function namesNone(/** @type {unknown} */ ids) {
  if (Array.isArray(ids)) return ids.length === 0;
  const split = /** @type {{ "Fn::Split"?: unknown[] } | undefined} */ (ids)?.["Fn::Split"];
  return Array.isArray(split) && split[1] === "";
}
