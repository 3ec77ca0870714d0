import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES as TABLE } from "../../lib/routes/routes.ts";
import { securityHeaders } from "../../lib/http/security-headers.ts";
import { SWAGGER_UI_FILES } from "../../plugins/esbuild-plugins.js";
import { DEPLOYED_STAGE_ENV, extractZip, packageProdStage } from "../support/packaged.ts";

// `sls package --stage prod` and what a real API Gateway would get from it. serverless-offline
// answers preflights and adds CORS headers itself, so this is where CORS is really checked.

const ORIGIN = "https://app.example.com";
// Values a packaging shell might hold; none may reach the template or the bundles.
const SHELL_SECRETS = { JWT_SECRET: "shell-jwt-secret-that-must-not-ship-0123456789", DATABASE_URL: "mysql://app:shell-db-password@db:3306/x" };

type Resource = { Type: string; Condition?: string; DependsOn?: string | string[]; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource>; Conditions?: Record<string, unknown> };
let packageDir: string;
let template: Template;
let templateText: string;

// The same stage packaged with every network and secret param an operator may give on the
// command line: its functions in a VPC, an RDS managed secret under a customer managed KMS key,
// the stack's own Secrets Manager endpoint, an RDS Proxy host, its own log retention and throttle.
const RDS_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123abcd-4567-89ef-0123-456789abcdef-AbCdEf";
const KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const VPC = { subnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"], securityGroupIds: ["sg-0aaa1111", "sg-0bbb2222"], vpcId: "vpc-0abc1234" };
const PROXY_HOST = "auth-api.proxy-0abc1234.us-east-1.rds.amazonaws.com";
const STAGE_PARAMS = {
  subnetIds: VPC.subnetIds.join(","),
  securityGroupIds: VPC.securityGroupIds.join(","),
  vpcId: VPC.vpcId,
  secretsManagerEndpoint: "true",
  lambdaVpcEndpoint: "true",
  databaseSecretArn: RDS_SECRET_ARN,
  databaseSecretKmsKeyArn: KMS_KEY_ARN,
  databaseHost: PROXY_HOST,
  secretsMaxAge: "60",
  logRetentionInDays: "90",
  throttleRate: "50",
};
let paramsPackageDir: string;
let paramsTemplate: Template;
let paramsTemplateText: string;

// Every route of the route table (lib/routes/routes.ts), as the template names it: its path without
// the leading slash, and its function's logical id.
const ROUTES = TABLE.map((route) => ({
  path: route.path.slice(1),
  method: route.method.toUpperCase(),
  fn: `${route.function.charAt(0).toUpperCase()}${route.function.slice(1)}LambdaFunction`,
  protected: route.caller === "authorizer",
  // The docs page and the account pages load and post only from their own origin: no CORS, no preflight.
  sameOriginOnly: route.function === "docs" || route.function === "accountPages",
}));

// API Gateway's throttle per method (serverless.yml, params.default): every method's default, and
// the stricter one of the routes that check a password or make one.
/** Each route with its title, `POST /api/auth/signin`, for %s: a $path title prints the string quoted. */
function titled(routes: typeof ROUTES) {
  return routes.map((route) => [`${route.method} /${route.path}`, route] as const);
}

const STAGE_THROTTLE = { rate: 100, burst: 200 };
const CREDENTIAL_THROTTLE = { rate: 10, burst: 20 };
// The account routes too (resources/api-stage.yml): a reset runs bcrypt, forgot and resend queue
// mails, an email change checks a password. In the order of that file.
const CREDENTIAL_ROUTES = [
  "api/auth/signin",
  "api/auth/signup",
  "api/auth/password",
  "api/auth/password/forgot",
  "api/auth/password/reset",
  "api/auth/email/resend",
  "api/auth/email",
];

// The functions that reach the database, and so run in the stage's VPC when it has one. The
// authorizer and the boards read only the JWT key and stay outside, with the docs page. All but
// the mail sender share osls's role.
const SHARED_ROLE_FUNCTIONS = [
  "SignupLambdaFunction",
  "SigninLambdaFunction",
  "RefreshLambdaFunction",
  "RefreshtokenLambdaFunction",
  "SignoutLambdaFunction",
  "ChangePasswordLambdaFunction",
  "MeLambdaFunction",
  "AdminListUsersLambdaFunction",
  "AdminSetUserRolesLambdaFunction",
  "AdminEndUserSessionsLambdaFunction",
  "MigrateLambdaFunction",
  "CreateAdminLambdaFunction",
  "PruneSessionsLambdaFunction",
  "ForgotPasswordLambdaFunction",
  "ResetPasswordLambdaFunction",
  "VerifyEmailLambdaFunction",
  "ResendVerificationLambdaFunction",
  "ChangeEmailLambdaFunction",
];
/** The mail sender: in the VPC with the database functions, with a role of its own (MailSenderRole). */
const MAIL_SENDER = "SendMailLambdaFunction";
const DATABASE_FUNCTIONS = [...SHARED_ROLE_FUNCTIONS, MAIL_SENDER];
const MAIL_SENDER_ZIP = "sendMail.zip";
/** test/support/packaged.ts's DEPLOYED_STAGE_ENV: the SES identity the packaging shell names. */
const MAIL_IDENTITY_ARN = { "Fn::Sub": `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:identity/${DEPLOYED_STAGE_ENV.MAIL_IDENTITY}` };
/**
 * Words of the mail libraries, each checked against the library's own source: nodemailer's (in
 * the sender's bundle only) and the SES v2 client's (in no bundle: the Lambda runtime has it).
 */
const NODEMAILER = { source: "node_modules/nodemailer/dist/esm/ses-transport/index.js", words: "https://nodemailer.com/transports/ses/" };
const SES_CLIENT = { source: "node_modules/@aws-sdk/client-sesv2/dist-es/runtimeConfig.shared.js", words: "SimpleEmailService_v2" };
const AUTHORIZER_ZIP = "authorizer.zip";
const BOARD_ZIPS = ["publicBoard.zip", "userBoard.zip", "moderatorBoard.zip", "adminBoard.zip"];
const DOCS_ZIP = "docs.zip";
const ACCOUNT_PAGES_ZIP = "accountPages.zip";
/**
 * The size budget of the functions on every protected request's path: issue #8 asked for 30 KB,
 * the authorizer reached 13 KB and the boards 18 KB, and the bar moved to what was reached.
 */
const SMALL_ZIP_KB = { authorizer: 15, boards: 20 };
/** The docs page's zip (570 KB when Swagger UI 5.35.0 came in): Swagger UI's script is most of it. */
const DOCS_ZIP_KB = 650;
// Words only each library's own code says, that minification keeps.
const LIBRARY_MARKERS: Record<string, RegExp> = {
  prisma: /prisma/i,
  // The MySQL authentication plugin every MySQL or MariaDB driver names.
  databaseDriver: /mysql_native_password/,
};
/**
 * Words of libraries that no bundle carries any more, each checked against the library's own
 * source: Ajv's compiler (validators are compiled ahead of time) and jsonwebtoken (lib/auth/jws.ts).
 */
const UNSHIPPED_LIBRARIES = {
  "node_modules/ajv/dist/core.js": "ajv implementation error",
  "node_modules/jsonwebtoken/lib/JsonWebTokenError.js": "JsonWebTokenError",
};

/** The libraries of LIBRARY_MARKERS whose words `code` holds. */
function librariesIn(code: string): string[] {
  return Object.entries(LIBRARY_MARKERS)
    .filter(([, marker]) => marker.test(code))
    .map(([name]) => name);
}
const BOARD_FUNCTIONS = ["PublicBoardLambdaFunction", "UserBoardLambdaFunction", "ModeratorBoardLambdaFunction", "AdminBoardLambdaFunction"];
const DOCS_FUNCTIONS = ["ApiDescriptionLambdaFunction", "DocsLambdaFunction", "AccountPagesLambdaFunction"];
/** The public keys' routes: they read the signing key pair, nothing else. */
const KEYS_FUNCTIONS = ["JwksLambdaFunction", "OpenidConfigurationLambdaFunction"];
/** The signing key's rotation function: Secrets Manager invokes it, and it reaches nothing else. */
const SIGNING_KEY_ROTATION = "RotateSigningKeyLambdaFunction";
const SIGNING_KEY_ROTATION_ROLE = "SigningKeyRotationRole";
const OUTSIDE_FUNCTIONS = ["AuthorizerLambdaFunction", ...BOARD_FUNCTIONS, ...DOCS_FUNCTIONS, ...KEYS_FUNCTIONS, SIGNING_KEY_ROTATION];
/** The roles of our own, beside osls's shared one, that no function in a VPC takes. */
const OWN_ROLES = ["AuthorizerRole", "BoardsRole", "DocsRole", "KeysRole", SIGNING_KEY_ROTATION_ROLE];
const MAIL_SENDER_ROLE = "MailSenderRole";

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

// What osls puts in the role by itself (osls's merge-iam-templates.js): writing to this stage's
// log groups. With a function in a VPC it adds one managed policy, VPC_ACCESS_POLICY.
const OSLS_LOG_STATEMENTS: Statement[] = [
  {
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
    Resource: [{ "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/auth-api-prod*:*" }],
  },
  {
    Effect: "Allow",
    Action: ["logs:PutLogEvents"],
    Resource: [{ "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/auth-api-prod*:*:*" }],
  },
];
const VPC_ACCESS_POLICY = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]] };
// The stage's database URL secret when no param names another: a partial ARN, its name.
const DEFAULT_DATABASE_SECRET = { "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:auth-api/prod/database-url" };
// The shared role's right to wake the mail sender, by its name.
const WAKE_MAIL_SENDER: Statement = {
  Effect: "Allow",
  Action: ["lambda:InvokeFunction"],
  Resource: { "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:auth-api-prod-sendMail" },
};

// API Gateway's own answers: the two fallbacks, and three with a status and message of their own.
const GATEWAY_RESPONSES = [
  { type: "DEFAULT_4XX", statusCode: undefined, template: '{"message":$context.error.messageString}' },
  { type: "DEFAULT_5XX", statusCode: undefined, template: '{"message":$context.error.messageString}' },
  { type: "UNAUTHORIZED", statusCode: "401", template: '{"message":"Invalid or expired token"}' },
  { type: "AUTHORIZER_FAILURE", statusCode: "503", template: '{"message":"Service temporarily unavailable"}' },
  { type: "AUTHORIZER_CONFIGURATION_ERROR", statusCode: "503", template: '{"message":"Service temporarily unavailable"}' },
  { type: "THROTTLED", statusCode: "429", template: '{"message":"Too many requests: slow down and try again in a few seconds"}' },
  { type: "REQUEST_TOO_LARGE", statusCode: "413", template: '{"message":"Request body must be at most 16 KB"}' },
];
// The handlers' security headers that API Gateway's own answers carry too
// (resources/gateway-responses.yml says why the others are left out).
const GATEWAY_SECURITY_HEADERS = [
  "Strict-Transport-Security",
  "X-Content-Type-Options",
  "X-Frame-Options",
  "Referrer-Policy",
  "Cross-Origin-Opener-Policy",
  "Cross-Origin-Resource-Policy",
  "X-Permitted-Cross-Domain-Policies",
];

function resourcesOfType(type: string, from: Template = template): [string, Resource][] {
  return Object.entries(from.Resources).filter(([, resource]) => resource.Type === type);
}

/** The Lambda permissions that let Secrets Manager invoke a function. */
function secretsManagerPermissions(): [string, Resource][] {
  return resourcesOfType("AWS::Lambda::Permission").filter(([, { Properties }]) => Properties.Principal === "secretsmanager.amazonaws.com");
}

/** Every statement of the roles' inline policies and of the standalone policies, with its resource's id. */
function grantsOf(from: Template): (readonly [string, Statement])[] {
  return [
    ...resourcesOfType("AWS::IAM::Role", from).flatMap(([id, role]) =>
      (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement.map((statement) => [id, statement] as const)),
    ),
    ...resourcesOfType("AWS::IAM::Policy", from).flatMap(([id, policy]) => (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => [id, statement] as const)),
  ];
}

/** Whether a statement allows `action` on a resource that is `resource` itself. */
function grants(statement: Statement, action: string, resource: unknown): boolean {
  return [statement.Action].flat().includes(action) && [statement.Resource].flat().some((each) => JSON.stringify(each) === JSON.stringify(resource));
}

/**
 * What CloudFormation makes of a value built from literals (Fn::Split, Fn::Select, Fn::Join,
 * Fn::Not, Fn::Equals), as osls writes params into the template; anything else (Ref, Fn::Sub)
 * stays as it is.
 */
function evaluated(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(evaluated);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  const [name, args] = entries[0] ?? [];
  const literal = (arg: unknown) => typeof evaluated(arg) !== "object";
  if (entries.length === 1 && Array.isArray(args)) {
    const [first, second] = args.map(evaluated) as [unknown, unknown];
    if (name === "Fn::Split" && typeof second === "string") return second.split(String(first));
    if (name === "Fn::Select" && Array.isArray(second)) return second[Number(first)];
    if (name === "Fn::Join" && Array.isArray(second) && second.every(literal)) return second.join(String(first));
    if (name === "Fn::Equals" && literal(first) && literal(second)) return first === second;
    if (name === "Fn::Not" && typeof first === "boolean") return !first;
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, evaluated(inner)]));
}

/** The resources of a type that the stack makes: those without a condition, or whose condition holds. */
function createdOfType(type: string, from: Template = template): [string, Resource][] {
  return resourcesOfType(type, from).filter(([id, { Condition }]) => {
    if (Condition === undefined) return true;
    const holds = evaluated(from.Conditions?.[Condition]);
    if (typeof holds !== "boolean") throw new Error(`${id}'s condition ${Condition} is not decided by the template alone`);
    return holds;
  });
}

function lambdaFunction(id: string, from: Template = template): Resource["Properties"] {
  const found = from.Resources[id];
  if (found?.Type !== "AWS::Lambda::Function") throw new Error(`no function ${id}`);
  return found.Properties;
}

/** osls's role, which every function but the authorizer, the boards and the docs page takes. */
const SHARED_ROLE = "IamRoleLambdaExecution";

function role(id: string, from: Template = template): Resource["Properties"] {
  const found = from.Resources[id];
  if (found?.Type !== "AWS::IAM::Role") throw new Error(`no role ${id}`);
  return found.Properties;
}

/** A role's managed policies, its ManagedPolicyArns' Fn::If decided by the template's conditions. */
function managedPolicies(id: string, from: Template): unknown[] {
  const arns: unknown = role(id, from).ManagedPolicyArns ?? [];
  const choice = (arns as { "Fn::If"?: [string, unknown, unknown] })["Fn::If"];
  if (!choice) return arns as unknown[];
  const [condition, ifTrue, ifFalse] = choice;
  const holds = evaluated(from.Conditions?.[condition]);
  if (typeof holds !== "boolean") throw new Error(`${id}'s condition ${condition} is not decided by the template alone`);
  const chosen = holds ? ifTrue : ifFalse;
  return JSON.stringify(chosen) === JSON.stringify({ Ref: "AWS::NoValue" }) ? [] : (chosen as unknown[]);
}

/** The statements of a role's inline policy, its only one. */
function roleStatements(from: Template, id = SHARED_ROLE): Statement[] {
  const { Policies } = role(id, from);
  expect(Policies, id).toHaveLength(1);
  return Policies[0].PolicyDocument.Statement;
}

/** Writing to the log groups of these functions, as a role of ours says it. */
function logStatement(functionIds: string[], from: Template = template): Statement {
  const logGroups = functionIds.map((id) => from.Resources[id.replace(/LambdaFunction$/, "LogGroup")]!.Properties.LogGroupName as string);
  const arns = logGroups.map((name) => ({ "Fn::Sub": `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${name}:*` }));
  return { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: arns.length === 1 ? arns[0] : arns };
}

/** The full path of an API Gateway resource, from its PathPart and its parents'. */
function pathOf(resourceId: unknown): string {
  const ref = (resourceId as { Ref?: string }).Ref;
  if (!ref) return "";
  const resource = template.Resources[ref]!;
  const parent = pathOf(resource.Properties.ParentId);
  return parent ? `${parent}/${resource.Properties.PathPart}` : resource.Properties.PathPart;
}

function method(path: string, httpMethod: string): Resource["Properties"] {
  const found = resourcesOfType("AWS::ApiGateway::Method").find(
    ([, { Properties }]) => Properties.HttpMethod === httpMethod && pathOf(Properties.ResourceId) === path,
  );
  if (!found) throw new Error(`no ${httpMethod} ${path}`);
  return found[1].Properties;
}

/** A MethodSetting's ResourcePath for a route: "/" + the path with its slashes as ~1. */
function settingPath(path: string): string {
  return `/${`/${path}`.replaceAll("/", "~1")}`;
}

function theOne(type: string, from: Template = template): [string, Resource] {
  const found = resourcesOfType(type, from);
  expect(found.map(([id]) => id), type).toHaveLength(1);
  return found[0]!;
}

type MethodSetting = { ResourcePath: string; HttpMethod: string; ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number };

function methodSettings(): MethodSetting[] {
  return theOne("AWS::ApiGateway::Stage")[1].Properties.MethodSettings;
}

function gatewayResponse(type: string): Resource["Properties"] {
  const found = resourcesOfType("AWS::ApiGateway::GatewayResponse").filter(([, response]) => response.Properties.ResponseType === type);
  expect(found.map(([id]) => id), type).toHaveLength(1);
  return found[0]![1].Properties;
}

/** The security headers every handler's answer carries (lib/http/route.ts). */
async function handlerSecurityHeaders(): Promise<Record<string, unknown>> {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(securityHeaders())
    .handler(async () => ({ statusCode: 200, body: "" }));
  return (await handler({} as APIGatewayProxyEvent, {} as Context)).headers ?? {};
}

async function bundle(zipName: string): Promise<{ names: string[]; code: string }> {
  const zip = await JSZip.loadAsync(readFileSync(join(packageDir, zipName)));
  const names = Object.keys(zip.files).filter((name) => !zip.files[name]!.dir);
  const code = (await Promise.all(names.filter((name) => name.endsWith(".mjs")).map((name) => zip.file(name)!.async("string")))).join("\n");
  return { names, code };
}

beforeAll(async () => {
  packageDir = mkdtempSync(join(tmpdir(), "auth-api-package-"));
  paramsPackageDir = mkdtempSync(join(tmpdir(), "auth-api-package-params-"));
  // One after the other: osls writes every package to the service's own .serverless folder
  // before moving it to --package, so two at once in one checkout take each other's files.
  const env = { ...SHELL_SECRETS, CORS_ORIGINS: ORIGIN, ESBUILD_WORK_FOLDER: ".esbuild-test-package" };
  await packageProdStage(packageDir, env);
  await packageProdStage(paramsPackageDir, env, STAGE_PARAMS);
  templateText = readFileSync(join(packageDir, "cloudformation-template-update-stack.json"), "utf8");
  template = JSON.parse(templateText);
  paramsTemplateText = readFileSync(join(paramsPackageDir, "cloudformation-template-update-stack.json"), "utf8");
  paramsTemplate = JSON.parse(paramsTemplateText);
}, 180_000);

afterAll(() => {
  rmSync(packageDir, { recursive: true, force: true });
  rmSync(paramsPackageDir, { recursive: true, force: true });
});

describe("packaged prod stage", () => {
  it.each(titled(ROUTES))("%s has its method on its own function", (_route, { path, method: httpMethod, fn }) => {
    const properties = method(path, httpMethod);
    expect(properties.Integration.Type).toBe("AWS_PROXY");
    expect(JSON.stringify(properties.Integration.Uri)).toContain(fn);
  });

  it.each(titled(ROUTES.filter((route) => route.protected)))("%s uses the JWT authorizer", (_route, { path, method: httpMethod }) => {
    const properties = method(path, httpMethod);
    expect(properties.AuthorizationType).toBe("CUSTOM");
    expect(properties.AuthorizerId).toEqual({ Ref: "AuthorizerApiGatewayAuthorizer" });
  });

  it.each(titled(ROUTES.filter((route) => !route.protected)))("%s has no authorizer", (_route, { path, method: httpMethod }) => {
    const properties = method(path, httpMethod);
    expect(properties.AuthorizationType).toBe("NONE");
    expect(properties.AuthorizerId).toBeUndefined();
  });

  it("declares a TOKEN authorizer on the Authorization header", () => {
    const [[, authorizer]] = resourcesOfType("AWS::ApiGateway::Authorizer") as [[string, Resource]];
    expect(authorizer.Properties).toMatchObject({
      Type: "TOKEN",
      IdentitySource: "method.request.header.Authorization",
      AuthorizerResultTtlInSeconds: 60,
    });
  });

  it.each(ROUTES.filter((route) => !route.sameOriginOnly).map(({ path }) => path))("OPTIONS /%s answers the preflight for the stage's origin", (path) => {
    const properties = method(path, "OPTIONS");
    expect(properties.Integration.Type).toBe("MOCK");
    const headers = properties.Integration.IntegrationResponses[0].ResponseParameters;
    expect(headers["method.response.header.Access-Control-Allow-Origin"]).toBe(`'${ORIGIN}'`);
    expect(headers["method.response.header.Access-Control-Allow-Headers"]).toMatch(/Authorization/);
    expect(headers["method.response.header.Access-Control-Allow-Headers"]).toMatch(/Content-Type/);
  });

  it("declares the stage as a resource bound to this deploy's deployment, which makes no stage itself", () => {
    const [deploymentId, deployment] = theOne("AWS::ApiGateway::Deployment");
    const [, stage] = theOne("AWS::ApiGateway::Stage");
    expect(stage.Properties).toMatchObject({ StageName: "prod", RestApiId: { Ref: "ApiGatewayRestApi" }, DeploymentId: { Ref: deploymentId } });
    // A deployment's StageName would make the stage outside the Stage resource, and CloudFormation
    // refuses a StageDescription for a stage that already exists.
    expect(deployment.Properties.StageName).toBeUndefined();
    expect(deployment.Properties.StageDescription).toBeUndefined();
  });

  it("deploys the API after its methods and gateway responses are in place", () => {
    const [, deployment] = theOne("AWS::ApiGateway::Deployment") as [string, Resource & { DependsOn: string[] }];
    const expected = [...resourcesOfType("AWS::ApiGateway::Method"), ...resourcesOfType("AWS::ApiGateway::GatewayResponse")].map(([id]) => id);
    expect([...deployment.DependsOn].sort()).toEqual(expected.sort());
  });

  it("throttles every method of the stage by default", () => {
    const defaults = methodSettings().filter((setting) => setting.ResourcePath === "/*");
    expect(defaults).toEqual([
      { ResourcePath: "/*", HttpMethod: "*", ThrottlingRateLimit: STAGE_THROTTLE.rate, ThrottlingBurstLimit: STAGE_THROTTLE.burst },
    ]);
  });

  it("throttles the credential routes more strictly, and no other route differently", () => {
    const perMethod = methodSettings().filter((setting) => setting.ResourcePath !== "/*");
    expect(perMethod).toEqual(
      CREDENTIAL_ROUTES.map((path) => ({
        ResourcePath: settingPath(path),
        HttpMethod: "POST",
        ThrottlingRateLimit: CREDENTIAL_THROTTLE.rate,
        ThrottlingBurstLimit: CREDENTIAL_THROTTLE.burst,
      })),
    );
  });

  it("throttles only methods the API has: a misspelt path would set nothing", () => {
    for (const { ResourcePath, HttpMethod } of methodSettings()) {
      if (ResourcePath === "/*") continue;
      const path = ResourcePath.replaceAll("~1", "/").slice(2);
      expect(() => method(path, HttpMethod), `${HttpMethod} ${ResourcePath}`).not.toThrow();
    }
  });

  it.each(GATEWAY_RESPONSES)("gives API Gateway's own $type answers CORS headers, Vary and a JSON message", ({ type, statusCode, template }) => {
    const { StatusCode, ResponseParameters, ResponseTemplates } = gatewayResponse(type);
    expect(StatusCode).toBe(statusCode);
    expect(ResponseParameters["gatewayresponse.header.Access-Control-Allow-Origin"]).toMatch(/^'.+'$/);
    expect(ResponseParameters["gatewayresponse.header.Access-Control-Allow-Headers"]).toMatch(/Authorization/);
    // As on the handlers' answers (http-cors), so that no cache serves one origin's answer to another.
    expect(ResponseParameters["gatewayresponse.header.Vary"]).toBe("'Origin'");
    expect(ResponseTemplates["application/json"]).toBe(template);
  });

  it.each(GATEWAY_RESPONSES.filter(({ template }) => !template.includes("$context")))("writes the $type message as valid JSON", ({ type }) => {
    const { ResponseTemplates } = gatewayResponse(type);
    expect(JSON.parse(String(ResponseTemplates["application/json"]))).toEqual({ message: expect.any(String) });
  });

  it.each(GATEWAY_RESPONSES)("gives API Gateway's own $type answers the handlers' security headers", async ({ type }) => {
    const handlerHeaders = await handlerSecurityHeaders();
    const { ResponseParameters } = gatewayResponse(type);
    for (const name of GATEWAY_SECURITY_HEADERS) {
      expect(handlerHeaders, `the handlers still send ${name}`).toHaveProperty(name);
      expect(ResponseParameters[`gatewayresponse.header.${name}`], name).toBe(`'${String(handlerHeaders[name])}'`);
    }
  });

  it("gives gateway responses only plain static header values: one '...' literal without quotes inside", () => {
    for (const [id, response] of resourcesOfType("AWS::ApiGateway::GatewayResponse")) {
      for (const [name, value] of Object.entries(response.Properties.ResponseParameters as Record<string, string>)) {
        expect(value, `${id} ${name}`).toMatch(/^'[^']+'$/);
      }
    }
  });

  it("gives every function its own artifact, an ESM handler on nodejs22.x", async () => {
    const functions = resourcesOfType("AWS::Lambda::Function");
    const keys = functions.map(([, f]) => String(f.Properties.Code.S3Key));
    expect(new Set(keys).size).toBe(functions.length);
    const zips = readdirSync(packageDir).filter((name) => name.endsWith(".zip"));
    expect(zips.sort()).toEqual(keys.map((key) => key.split("/").pop()).sort());
    for (const [, f] of functions) {
      expect(f.Properties.Runtime).toBe("nodejs22.x");
      const zipName = String(f.Properties.Code.S3Key).split("/").pop()!;
      const handlerFile = `${String(f.Properties.Handler).replace(/\.[^.]+$/, "")}.mjs`;
      expect((await bundle(zipName)).names).toContain(handlerFile);
    }
  });

  it("gives every bundle all it needs: each handler loads in plain Node with no node_modules", async () => {
    const root = mkdtempSync(join(tmpdir(), "auth-api-bundles-"));
    try {
      for (const [, f] of resourcesOfType("AWS::Lambda::Function")) {
        const zipName = String(f.Properties.Code.S3Key).split("/").pop()!;
        const [file, exportName] = String(f.Properties.Handler).split(".") as [string, string];
        const target = join(root, zipName);
        await extractZip(join(packageDir, zipName), target);
        const loaded = await new Promise<string>((resolve, reject) =>
          execFile(
            process.execPath,
            ["--input-type=module", "-e", `const m = await import(process.argv[1]); console.log(typeof m[process.argv[2]]);`, join(target, `${file}.mjs`), exportName],
            { cwd: target, env: { PATH: process.env.PATH } },
            (error, stdout, stderr) => (error ? reject(new Error(`${zipName}: ${stderr}`)) : resolve(stdout.trim())),
          ),
        );
        expect(loaded, zipName).toBe("function");
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each(ROUTES.filter((route) => route.sameOriginOnly).map(({ path }) => path))("has no OPTIONS method on /%s", (path) => {
    expect(() => method(path, "OPTIONS")).toThrow(`no OPTIONS ${path}`);
  });

  it("ships no ORM or database driver in the authorizer's, the boards', the description's and the pages' bundles", async () => {
    for (const zip of [AUTHORIZER_ZIP, ...BOARD_ZIPS, "apiDescription.zip", DOCS_ZIP, ACCOUNT_PAGES_ZIP]) expect(librariesIn((await bundle(zip)).code), zip).toEqual([]);
    // The words do name each library: signin's bundle holds them all.
    expect(librariesIn((await bundle("signin.zip")).code)).toEqual(Object.keys(LIBRARY_MARKERS));
  });

  it("ships no database settings in the authorizer's, the boards', the description's and the pages' bundles", async () => {
    // DATABASE_URL's reader and its RDS secret forms live beside the database client (lib/db/).
    for (const zip of [AUTHORIZER_ZIP, ...BOARD_ZIPS, "apiDescription.zip", DOCS_ZIP, ACCOUNT_PAGES_ZIP]) {
      const { code } = await bundle(zip);
      expect(code, zip).not.toContain("DATABASE_URL");
      expect(code, zip).not.toContain("aurora-mysql");
    }
    // The words do mark them: signin's bundle holds both.
    expect((await bundle("signin.zip")).code).toContain("DATABASE_URL");
    expect((await bundle("signin.zip")).code).toContain("aurora-mysql");
  });

  it("ships Ajv's compiler and jsonwebtoken in no bundle", async () => {
    for (const [source, words] of Object.entries(UNSHIPPED_LIBRARIES)) {
      expect(readFileSync(source, "utf8"), source).toContain(words);
      for (const zip of readdirSync(packageDir).filter((name) => name.endsWith(".zip"))) {
        expect((await bundle(zip)).code, `${zip}: ${words}`).not.toContain(words);
      }
    }
  });

  it("ships nodemailer in the mail sender's bundle and in no other", async () => {
    expect(readFileSync(NODEMAILER.source, "utf8"), NODEMAILER.source).toContain(NODEMAILER.words);
    for (const zip of readdirSync(packageDir).filter((name) => name.endsWith(".zip"))) {
      expect((await bundle(zip)).code.includes(NODEMAILER.words), zip).toBe(zip === MAIL_SENDER_ZIP);
    }
  });

  it("ships the SES client in no bundle: the sender imports the Lambda runtime's", async () => {
    expect(readFileSync(SES_CLIENT.source, "utf8"), SES_CLIENT.source).toContain(SES_CLIENT.words);
    for (const zip of readdirSync(packageDir).filter((name) => name.endsWith(".zip"))) {
      const { names, code } = await bundle(zip);
      expect(code, zip).not.toContain(SES_CLIENT.words);
      expect(names.filter((name) => name.includes("node_modules")), zip).toEqual([]);
    }
    // Left as an import for the runtime to resolve (esbuild's exclude of @aws-sdk/*).
    expect((await bundle(MAIL_SENDER_ZIP)).code).toMatch(/import\("@aws-sdk\/client-sesv2"\)/);
  });

  it(`keeps the authorizer's zip under ${SMALL_ZIP_KB.authorizer} KB and the boards' under ${SMALL_ZIP_KB.boards} KB`, () => {
    expect(statSync(join(packageDir, AUTHORIZER_ZIP)).size).toBeLessThan(SMALL_ZIP_KB.authorizer * 1024);
    for (const zip of BOARD_ZIPS) expect(statSync(join(packageDir, zip)).size, zip).toBeLessThan(SMALL_ZIP_KB.boards * 1024);
  });

  it(`ships Swagger UI's files beside the docs page's bundle, as installed, in no other zip, and keeps that zip under ${DOCS_ZIP_KB} KB`, async () => {
    const zip = await JSZip.loadAsync(readFileSync(join(packageDir, DOCS_ZIP)));
    const { names, code } = await bundle(DOCS_ZIP);
    expect(names.sort()).toEqual(["functions/docs.mjs", ...SWAGGER_UI_FILES.map((file) => `functions/docs.swagger-ui/${file}`)].sort());
    for (const file of SWAGGER_UI_FILES) {
      const shipped = await zip.file(`functions/docs.swagger-ui/${file}`)!.async("nodebuffer");
      expect(shipped.equals(readFileSync(`node_modules/swagger-ui-dist/${file}`)), file).toBe(true);
    }
    // Read when first asked for, not scanned by V8 at every cold start.
    expect(readFileSync("node_modules/swagger-ui-dist/swagger-ui-bundle.js", "utf8")).toContain("SwaggerUIBundle=");
    expect(code).not.toContain("SwaggerUIBundle=");
    expect(statSync(join(packageDir, DOCS_ZIP)).size).toBeLessThan(DOCS_ZIP_KB * 1024);
    for (const other of readdirSync(packageDir).filter((name) => name.endsWith(".zip") && name !== DOCS_ZIP)) {
      expect((await bundle(other)).names.filter((name) => name.includes("swagger-ui")), other).toEqual([]);
    }
  });

  it("ships Prisma's query compiler as WebAssembly beside each database function's bundle, not inside it", async () => {
    const wasmHeader = "AGFzbQ"; // "\0asm" in base64: how the compiler began inside the bundle before
    for (const [, f] of resourcesOfType("AWS::Lambda::Function")) {
      const zipName = String(f.Properties.Code.S3Key).split("/").pop()!;
      const handlerPath = String(f.Properties.Handler).replace(/\.[^.]+$/, "");
      const { names, code } = await bundle(zipName);
      const wasmFiles = names.filter((name) => name.endsWith(".wasm"));
      expect(code, zipName).not.toContain(wasmHeader);
      // Named after its own bundle: no other function's zip carries it.
      expect(wasmFiles, zipName).toEqual(code.includes("PrismaClient") ? [`${handlerPath}.query-compiler.wasm`] : []);
      const zip = await JSZip.loadAsync(readFileSync(join(packageDir, zipName)));
      for (const file of wasmFiles) {
        expect((await zip.file(file)!.async("nodebuffer")).subarray(0, 4).toString("latin1"), zipName).toBe("\0asm");
      }
    }
  });

  it("ships the migrations with the migrate function, and gives ops functions no route", async () => {
    expect((await bundle("migrate.zip")).names).toContain("prisma/migrations/migration_lock.toml");
    expect((await bundle("migrate.zip")).names.some((name) => /^prisma\/migrations\/\d+_init\/migration\.sql$/.test(name))).toBe(true);
    const routedFunctions = JSON.stringify(resourcesOfType("AWS::ApiGateway::Method").map(([, m]) => m.Properties.Integration?.Uri));
    expect(routedFunctions).not.toContain("MigrateLambdaFunction");
    expect(routedFunctions).not.toContain("CreateAdminLambdaFunction");
    expect(routedFunctions).not.toContain("PruneSessionsLambdaFunction");
    expect(routedFunctions).not.toContain(SIGNING_KEY_ROTATION);
  });

  it("leaves the signing key secret without a value: CloudFormation makes no key pair, and a value here would be put over the key", () => {
    const secret = template.Resources.JwtSigningKey!;
    expect(secret.Type).toBe("AWS::SecretsManager::Secret");
    expect(Object.keys(secret.Properties).sort()).toEqual(["Description", "Name"]);
  });

  it("rotates the signing key with its rotation function at once, then every 30 days", () => {
    const [, schedule] = theOne("AWS::SecretsManager::RotationSchedule");
    expect(schedule.Properties).toEqual({
      SecretId: { Ref: "JwtSigningKey" },
      RotationLambdaARN: { "Fn::GetAtt": [SIGNING_KEY_ROTATION, "Arn"] },
      RotateImmediatelyOnUpdate: true,
      RotationRules: { ScheduleExpression: "rate(30 days)" },
    });
    // Secrets Manager calls the function as soon as the schedule exists: it must be allowed to by then.
    const [permission] = secretsManagerPermissions();
    expect([schedule.DependsOn].flat()).toContain(permission![0]);
  });

  it("lets Secrets Manager invoke the rotation function on this account's behalf, and nothing else invoke it", () => {
    expect(secretsManagerPermissions().map(([, permission]) => permission.Properties)).toEqual([
      {
        FunctionName: { "Fn::GetAtt": [SIGNING_KEY_ROTATION, "Arn"] },
        Action: "lambda:InvokeFunction",
        Principal: "secretsmanager.amazonaws.com",
        SourceAccount: { Ref: "AWS::AccountId" },
      },
    ]);
    // No route, no schedule of its own: no other permission names it.
    const others = resourcesOfType("AWS::Lambda::Permission").filter(([, { Properties }]) => Properties.Principal !== "secretsmanager.amazonaws.com");
    expect(JSON.stringify(others)).not.toContain(SIGNING_KEY_ROTATION);
  });

  it("gives the rotation function a role of its own: its logs, and the rotation's four calls on the signing key secret alone", () => {
    expect(lambdaFunction(SIGNING_KEY_ROTATION).Role).toEqual({ "Fn::GetAtt": [SIGNING_KEY_ROTATION_ROLE, "Arn"] });
    expect(roleStatements(template, SIGNING_KEY_ROTATION_ROLE)).toEqual([
      logStatement([SIGNING_KEY_ROTATION]),
      {
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
        Resource: [{ Ref: "JwtSigningKey" }],
      },
    ]);
  });

  it("ships no ORM or database driver in the rotation function's bundle, and imports the runtime's Secrets Manager client", async () => {
    const { names, code } = await bundle("rotateSigningKey.zip");
    expect(librariesIn(code)).toEqual([]);
    expect(names.filter((name) => name.endsWith(".wasm"))).toEqual([]);
    expect(code).toMatch(/import\("@aws-sdk\/client-secrets-manager"\)/);
  });

  it("runs pruneSessions on a schedule", () => {
    const rules = resourcesOfType("AWS::Events::Rule").map(([, rule]) => rule.Properties);
    const prune = rules.find((rule) => JSON.stringify(rule.Targets).includes("PruneSessionsLambdaFunction"));
    expect(prune).toMatchObject({ ScheduleExpression: "rate(1 hour)", State: "ENABLED" });
  });

  it("gives every function the session settings, with strict rotation unless the stage says otherwise", () => {
    for (const [, f] of resourcesOfType("AWS::Lambda::Function")) {
      expect(f.Properties.Environment.Variables).toMatchObject({
        REFRESH_TOKEN_TTL: "2592000",
        REFRESH_TOKEN_ROTATION: "rotate",
        REFRESH_TOKEN_REUSE_INTERVAL: "0",
      });
    }
  });

  it("leaves empty, which the configuration reads as unset, the optional variables whose params the stage does not set", () => {
    for (const [id, f] of resourcesOfType("AWS::Lambda::Function")) {
      for (const name of ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "SECRETS_MAX_AGE"]) {
        expect(f.Properties.Environment.Variables[name], `${id} ${name}`).toBe("");
      }
    }
  });

  it("gives the description no local address: it names the stage from API Gateway's event", () => {
    expect(lambdaFunction("ApiDescriptionLambdaFunction").Environment.Variables.LOCAL_API_URL).toBe("");
  });

  it("carries no secret from the packaging shell: secrets are Secrets Manager references", async () => {
    expect(templateText).not.toContain(SHELL_SECRETS.JWT_SECRET);
    expect(templateText).not.toContain("shell-db-password");
    const [, signin] = resourcesOfType("AWS::Lambda::Function").find(([id]) => id === "SigninLambdaFunction")!;
    const variables = signin.Properties.Environment.Variables;
    expect(variables.JWT_SECRET).toEqual({ Ref: "JwtSecret" });
    expect(JSON.stringify(variables.DATABASE_URL)).toMatch(/^\{"Fn::Sub":"arn:\$\{AWS::Partition\}:secretsmanager:/);
    expect(variables.CORS_ORIGINS).toBe(ORIGIN);
    for (const zip of readdirSync(packageDir).filter((name) => name.endsWith(".zip"))) {
      expect((await bundle(zip)).code).not.toContain(SHELL_SECRETS.JWT_SECRET);
    }
  });

  it("gives the database functions but the mail sender the shared role: osls's log statements, GetSecretValue on the JWT keys and the database secret, waking the sender", () => {
    const shared = role(SHARED_ROLE);
    for (const id of SHARED_ROLE_FUNCTIONS) expect(lambdaFunction(id).Role, id).toEqual({ "Fn::GetAtt": [SHARED_ROLE, "Arn"] });
    expect(roleStatements(template)).toEqual([
      ...OSLS_LOG_STATEMENTS,
      {
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [{ Ref: "JwtSigningKey" }, { Ref: "JwtSecret" }, DEFAULT_DATABASE_SECRET, { "Fn::Join": ["", [DEFAULT_DATABASE_SECRET, "-??????"]] }],
      },
      WAKE_MAIL_SENDER,
    ]);
    // Nothing else: no managed policy, no permissions boundary; only Lambda may take the role.
    expect(Object.keys(shared).sort()).toEqual(["AssumeRolePolicyDocument", "Path", "Policies", "RoleName"]);
    expect(shared.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
    ]);
  });

  it("gives the authorizer a role of its own: writing its logs and reading the JWT keys, not the database secret", () => {
    expect(lambdaFunction("AuthorizerLambdaFunction").Role).toEqual({ "Fn::GetAtt": ["AuthorizerRole", "Arn"] });
    expect(roleStatements(template, "AuthorizerRole")).toEqual([
      logStatement(["AuthorizerLambdaFunction"]),
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [{ Ref: "JwtSigningKey" }, { Ref: "JwtSecret" }] },
    ]);
  });

  it("gives the mail sender a role of its own: its logs, the database secret, and ses:SendEmail on the stage's SES identity only", () => {
    expect(lambdaFunction(MAIL_SENDER).Role).toEqual({ "Fn::GetAtt": [MAIL_SENDER_ROLE, "Arn"] });
    // No JWT key and no lambda:InvokeFunction: it wakes nothing, the request functions wake it.
    expect(roleStatements(template, MAIL_SENDER_ROLE)).toEqual([
      logStatement([MAIL_SENDER]),
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [DEFAULT_DATABASE_SECRET, { "Fn::Join": ["", [DEFAULT_DATABASE_SECRET, "-??????"]] }] },
      { Effect: "Allow", Action: ["ses:SendEmail"], Resource: MAIL_IDENTITY_ARN },
    ]);
    expect(role(MAIL_SENDER_ROLE).AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
    ]);
    // Outside a VPC, no managed policy: its condition does not hold.
    expect(managedPolicies(MAIL_SENDER_ROLE, template)).toEqual([]);
    expect(Object.keys(role(MAIL_SENDER_ROLE)).sort()).toEqual(["AssumeRolePolicyDocument", "ManagedPolicyArns", "Policies"]);
  });

  it("gives the boards a role that may write their logs and nothing else", () => {
    for (const id of BOARD_FUNCTIONS) expect(lambdaFunction(id).Role, id).toEqual({ "Fn::GetAtt": ["BoardsRole", "Arn"] });
    expect(roleStatements(template, "BoardsRole")).toEqual([logStatement(BOARD_FUNCTIONS)]);
  });

  it("gives the description, the docs page and the account pages a role that may write their logs and nothing else", () => {
    for (const id of DOCS_FUNCTIONS) expect(lambdaFunction(id).Role, id).toEqual({ "Fn::GetAtt": ["DocsRole", "Arn"] });
    expect(roleStatements(template, "DocsRole")).toEqual([logStatement(DOCS_FUNCTIONS)]);
  });

  it("gives the public keys' routes a role that may write their logs and read the signing key pair, not the HMAC key", () => {
    for (const id of KEYS_FUNCTIONS) expect(lambdaFunction(id).Role, id).toEqual({ "Fn::GetAtt": ["KeysRole", "Arn"] });
    expect(roleStatements(template, "KeysRole")).toEqual([
      logStatement(KEYS_FUNCTIONS),
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [{ Ref: "JwtSigningKey" }] },
    ]);
  });

  it("lets only Lambda take the roles of its own, with nothing beside their inline policy", () => {
    for (const id of OWN_ROLES) {
      expect(Object.keys(role(id)).sort(), id).toEqual(["AssumeRolePolicyDocument", "Policies"]);
      expect(role(id).AssumeRolePolicyDocument.Statement, id).toEqual([
        { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
      ]);
    }
  });

  it("makes no IAM policy or role beside that role's inline policy unless a param asks for it", () => {
    const iam = Object.entries(template.Resources).filter(([, resource]) => resource.Type.startsWith("AWS::IAM::"));
    expect(iam.map(([id, { Type }]) => `${Type} ${id}`).sort()).toEqual([
      "AWS::IAM::Policy DatabaseSecretKmsDecrypt",
      "AWS::IAM::Role AuthorizerRole",
      "AWS::IAM::Role BoardsRole",
      "AWS::IAM::Role DocsRole",
      "AWS::IAM::Role IamRoleLambdaExecution",
      "AWS::IAM::Role KeysRole",
      "AWS::IAM::Role MailSenderRole",
      "AWS::IAM::Role SigningKeyRotationRole",
    ]);
    expect(createdOfType("AWS::IAM::Policy")).toEqual([]);
  });

  it("runs no function in a VPC, not even with an empty VpcConfig, when the stage names no subnets", () => {
    for (const [id, f] of resourcesOfType("AWS::Lambda::Function")) expect(f.Properties.VpcConfig, id).toBeUndefined();
  });

  it("creates no Secrets Manager or Lambda endpoint unless the stage asks for one", () => {
    // Declared, under conditions that do not hold.
    expect(resourcesOfType("AWS::EC2::VPCEndpoint")).toHaveLength(2);
    expect(createdOfType("AWS::EC2::VPCEndpoint")).toEqual([]);
    expect(createdOfType("AWS::EC2::SecurityGroup")).toEqual([]);
  });

  it("keeps every function's logs for 30 days", () => {
    const logGroups = resourcesOfType("AWS::Logs::LogGroup").map(([, group]) => group.Properties);
    for (const [id, f] of resourcesOfType("AWS::Lambda::Function")) {
      const group = logGroups.find(({ LogGroupName }) => LogGroupName === `/aws/lambda/${f.Properties.FunctionName}`);
      expect(group, id).toMatchObject({ RetentionInDays: 30 });
    }
    expect(logGroups.map(({ RetentionInDays }) => RetentionInDays)).toEqual(logGroups.map(() => 30));
  });

  it("has a method for each route of the table and no other", () => {
    const methods = resourcesOfType("AWS::ApiGateway::Method")
      .map(([, { Properties }]) => Properties)
      .filter((properties) => properties.HttpMethod !== "OPTIONS")
      .map((properties) => `${properties.HttpMethod} /${pathOf(properties.ResourceId)}`);

    expect(methods.sort()).toEqual(ROUTES.map((route) => `${route.method} /${route.path}`).sort());
  });
});


describe("packaged prod stage with the VPC, secret and network params of the command line", () => {
  it("runs the functions that reach the database in the stage's subnets and security groups", () => {
    for (const id of DATABASE_FUNCTIONS) {
      expect(evaluated(lambdaFunction(id, paramsTemplate).VpcConfig), id).toEqual({ SubnetIds: VPC.subnetIds, SecurityGroupIds: VPC.securityGroupIds });
    }
  });

  it("keeps the authorizer, the boards and the pages outside the VPC, and every other function", () => {
    const inVpc = resourcesOfType("AWS::Lambda::Function", paramsTemplate).filter(([, f]) => f.Properties.VpcConfig !== undefined);
    expect(inVpc.map(([id]) => id).sort()).toEqual([...DATABASE_FUNCTIONS].sort());
    for (const id of OUTSIDE_FUNCTIONS) expect(lambdaFunction(id, paramsTemplate).VpcConfig, id).toBeUndefined();
  });

  it("gives the role and the mail sender's AWS's managed policy for Lambda's network interfaces, and no other", () => {
    expect(role(SHARED_ROLE, paramsTemplate).ManagedPolicyArns).toEqual([VPC_ACCESS_POLICY]);
    expect(managedPolicies(MAIL_SENDER_ROLE, paramsTemplate)).toEqual([
      { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole" },
    ]);
    // The authorizer, the boards and the pages are outside the VPC: no network interfaces to make.
    for (const id of OWN_ROLES) expect(role(id, paramsTemplate).ManagedPolicyArns, id).toBeUndefined();
  });

  it("reads the database secret the stage names, by its full ARN, and no other", () => {
    expect(evaluated(roleStatements(paramsTemplate))).toEqual([
      ...OSLS_LOG_STATEMENTS,
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [{ Ref: "JwtSigningKey" }, { Ref: "JwtSecret" }, RDS_SECRET_ARN, `${RDS_SECRET_ARN}-??????`] },
      WAKE_MAIL_SENDER,
    ]);
    expect((evaluated(roleStatements(paramsTemplate, MAIL_SENDER_ROLE)) as Statement[])[1]).toEqual({
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [RDS_SECRET_ARN, `${RDS_SECRET_ARN}-??????`],
    });
    for (const [id, f] of resourcesOfType("AWS::Lambda::Function", paramsTemplate)) {
      expect(f.Properties.Environment.Variables, id).toMatchObject({ DATABASE_URL: RDS_SECRET_ARN, DATABASE_HOST: PROXY_HOST, SECRETS_MAX_AGE: "60" });
      expect(f.Properties.Environment.Variables.DATABASE_PORT, id).toBe("");
    }
  });

  it("may decrypt with the secret's KMS key, only through Secrets Manager and only for that secret", () => {
    const [[, policy], ...others] = createdOfType("AWS::IAM::Policy", paramsTemplate) as [[string, Resource]];
    expect(others).toEqual([]);
    expect(policy.Properties.Roles).toEqual([{ Ref: "IamRoleLambdaExecution" }, { Ref: MAIL_SENDER_ROLE }]);
    expect(evaluated(policy.Properties.PolicyDocument.Statement)).toEqual([
      {
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: KMS_KEY_ARN,
        Condition: {
          StringEquals: { "kms:ViaService": { "Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com" } },
          StringLike: { "kms:EncryptionContext:SecretARN": [RDS_SECRET_ARN, `${RDS_SECRET_ARN}-??????`] },
        },
      },
    ]);
  });

  it.each(["secretsmanager", "lambda"])("creates a %s endpoint with private DNS in the functions' subnets", (service) => {
    const endpoints = createdOfType("AWS::EC2::VPCEndpoint", paramsTemplate).filter(
      ([, { Properties }]) => Properties.ServiceName["Fn::Sub"] === `com.amazonaws.\${AWS::Region}.${service}`,
    );
    expect(endpoints).toHaveLength(1);
    const [[, endpoint]] = endpoints as [[string, Resource]];
    const [securityGroup] = endpoint.Properties.SecurityGroupIds as [{ Ref: string }];
    expect(createdOfType("AWS::EC2::SecurityGroup", paramsTemplate).map(([id]) => id)).toContain(securityGroup.Ref);
    expect(evaluated(endpoint.Properties)).toEqual({
      VpcEndpointType: "Interface",
      ServiceName: { "Fn::Sub": `com.amazonaws.\${AWS::Region}.${service}` },
      VpcId: VPC.vpcId,
      SubnetIds: VPC.subnetIds,
      SecurityGroupIds: [securityGroup],
      PrivateDnsEnabled: true,
    });
  });

  it("lets the functions' security groups, and nothing else, reach each endpoint on 443", () => {
    const securityGroups = createdOfType("AWS::EC2::SecurityGroup", paramsTemplate);
    // One per endpoint, and none other.
    expect(securityGroups).toHaveLength(createdOfType("AWS::EC2::VPCEndpoint", paramsTemplate).length);
    for (const [id, securityGroup] of securityGroups) {
      expect(securityGroup.Properties.VpcId, id).toBe(VPC.vpcId);
      const rules = evaluated(securityGroup.Properties.SecurityGroupIngress) as Record<string, unknown>[];
      expect(rules, id).toEqual([expect.objectContaining({ IpProtocol: "tcp", FromPort: 443, ToPort: 443 })]);
      // Every database function carries all of the stage's security groups: naming one admits them all.
      expect(VPC.securityGroupIds, id).toContain(rules[0]!.SourceSecurityGroupId);
      expect(Object.keys(rules[0]!).sort(), id).toEqual(["Description", "FromPort", "IpProtocol", "SourceSecurityGroupId", "ToPort"]);
    }
  });

  it("keeps logs for the days the stage asks, and throttles at its rate", () => {
    for (const [id, group] of resourcesOfType("AWS::Logs::LogGroup", paramsTemplate)) expect(group.Properties.RetentionInDays, id).toBe(90);
    const [, stage] = theOne("AWS::ApiGateway::Stage", paramsTemplate);
    const [defaults] = (stage.Properties.MethodSettings as MethodSetting[]).filter((setting) => setting.ResourcePath === "/*");
    expect(Number(defaults!.ThrottlingRateLimit)).toBe(50);
    expect(Number(defaults!.ThrottlingBurstLimit)).toBe(STAGE_THROTTLE.burst);
  });

  it("carries no secret from the packaging shell either", () => {
    expect(paramsTemplateText).not.toContain(SHELL_SECRETS.JWT_SECRET);
    expect(paramsTemplateText).not.toContain("shell-db-password");
  });
});

describe("both packagings", () => {
  it.each([
    ["without params", () => template],
    ["with every param", () => paramsTemplate],
  ])("lets the rotation function's role alone change a secret or its versions, %s", (_, of) => {
    // Reading is the other roles' business; any other Secrets Manager action writes or reveals more.
    const reading = new Set(["secretsmanager:GetSecretValue"]);
    const changing = grantsOf(of()).filter(([, statement]) =>
      [statement.Action].flat().some((action) => action.toLowerCase().startsWith("secretsmanager:") && !reading.has(action)),
    );
    expect(changing.map(([id]) => id)).toEqual([SIGNING_KEY_ROTATION_ROLE]);
    expect(changing.some(([, statement]) => grants(statement, "secretsmanager:PutSecretValue", { Ref: "JwtSigningKey" }))).toBe(true);
  });

  it.each([
    ["without params", () => template],
    ["with every param", () => paramsTemplate],
  ])("lets every role that reads the HMAC secret for token checks read the signing key too, %s", (_, of) => {
    const readers = (secret: string) =>
      grantsOf(of())
        .filter(([, statement]) => grants(statement, "secretsmanager:GetSecretValue", { Ref: secret }))
        .map(([id]) => id)
        .sort();
    // The authorizer and the shared role check tokens; the public keys' routes publish the key
    // pair's public half; the rotation function's role reads its own secret.
    expect(readers("JwtSecret")).toEqual(["AuthorizerRole", SHARED_ROLE]);
    expect(readers("JwtSigningKey")).toEqual(["AuthorizerRole", SHARED_ROLE, "KeysRole", SIGNING_KEY_ROTATION_ROLE]);
  });

  it.each([
    ["without params", () => template],
    ["with every param", () => paramsTemplate],
  ])("grants ses: actions in the mail sender's role only, %s", (_, of) => {
    const granting = grantsOf(of()).filter(([, statement]) => [statement.Action].flat().some((action) => action.toLowerCase().startsWith("ses:")));
    expect(granting).toEqual([[MAIL_SENDER_ROLE, { Effect: "Allow", Action: ["ses:SendEmail"], Resource: MAIL_IDENTITY_ARN }]]);
    // No managed policy brings SES in either: the only one any role has is Lambda's VPC access.
    for (const [id] of resourcesOfType("AWS::IAM::Role", of())) {
      for (const arn of managedPolicies(id, of())) expect(JSON.stringify(arn), id).toContain("AWSLambdaVPCAccessExecutionRole");
    }
  });

  it.each([
    ["without params", () => template],
    ["with every param", () => paramsTemplate],
  ])("never grants, in a statement of ours or osls's, an action on every resource (*), nor a wildcard action, %s", (_, of) => {
    const documents = [
      ...resourcesOfType("AWS::IAM::Role", of()).flatMap(([, role]) => (role.Properties.Policies as { PolicyDocument: unknown }[]).map((policy) => policy.PolicyDocument)),
      ...resourcesOfType("AWS::IAM::Policy", of()).map(([, policy]) => policy.Properties.PolicyDocument as unknown),
    ];
    const statements = documents.flatMap((document) => (document as { Statement: Statement[] }).Statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      for (const resource of [statement.Resource].flat()) expect(resource, JSON.stringify(statement)).not.toBe("*");
      for (const action of [statement.Action].flat()) expect(action, JSON.stringify(statement)).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });
});
