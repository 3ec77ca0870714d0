// What every route costs, measured on the packaged prod artifacts against the physical references
// of the same run: sizes, cold init, warm latency, SQL per request and the local stack's
// throughput. Prints one table and writes it as JSON under bench/results/.
//   npm run bench                 the full run (a few minutes)
//   npm run bench -- --smoke      a tiny run that checks the bench itself works (CI)
//   … --results <file>            where the JSON goes, instead of bench/results/<date>.json
//   … --baseline <git ref>        also package that commit, and measure its cold inits in the same rounds
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import mysql from "mysql2/promise";
import { newAccountToken, type AccountTokenPurpose } from "../lib/auth/account-tokens.ts";
import { JWS_ALGORITHMS, type JwsAlgorithm } from "../lib/auth/jws.ts";
import { newSigningKeyPem } from "../lib/auth/new-signing-key.ts";
import { applyMigrations } from "../lib/db/migrations.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { tokenAuthorizerEvent } from "../test/support/lambda-events.ts";
import { newAccount, newAccountFields, newAdmin, signIn } from "./measure/accounts.ts";
import { cleanUp, onCleanUp } from "./measure/cleanup.ts";
import { baselineFunctions, emptyHandler, mailClient, packagedFunctions, type Artifact } from "./measure/artifacts.ts";
import { coldInits, firstCalls, type FirstCall } from "./measure/cold-init.ts";
import { printReport, type Report } from "./measure/report.ts";
import { packagedRoutes, WarmFunctions } from "./measure/routes.ts";
import { describeStatements, SqlCounter, type SqlCounts } from "./measure/sql-counts.ts";
import type { Spread } from "./measure/stats.ts";
import { localThroughput } from "./measure/throughput.ts";
import { authorizerByAlgorithm, warmLatencies } from "./measure/warm.ts";

const smoke = process.argv.includes("--smoke");
const resultsArg = process.argv.indexOf("--results");
const baselineArg = process.argv.indexOf("--baseline");
const baselineRef = baselineArg > 0 ? process.argv[baselineArg + 1] : undefined;
const plan = smoke
  ? { coldRounds: 3, fastRounds: 200, slowRounds: 3, sqlBatch: 2, loadSeconds: 1, connections: 2 }
  : { coldRounds: 15, fastRounds: 5000, slowRounds: 40, sqlBatch: 10, loadSeconds: 10, connections: 10 };
// The cost every deployed stage has (serverless.yml params.default.bcryptCost).
const BCRYPT_COST = 10;
// What every deployed stage signs with (serverless.yml params.default.accessTokenAlg).
const STAGE_ALG = "RS256";
const RESULTS_DIR = resolve(import.meta.dirname, "results");
/**
 * Prisma's client class, or the MariaDB driver's table of server error codes (the first two
 * codes, which no code of ours names): what a bundle without the ORM or the driver never holds.
 */
const ORM_OR_DRIVER = /PrismaClient|ER_HASHCHK|ER_NISAMCHK/;

/** One file per distinct bundle, by digest: the four boards share one file, measured once. */
function distinctBundles(artifacts: Artifact[]): Record<string, string> {
  return Object.fromEntries(artifacts.map((artifact) => [artifact.digest, artifact.handlerFile]));
}

/**
 * `count` new accounts, each with a live mailed token of the purpose, stored before the counting
 * starts (as the mail sender would have): a reset or verification spends its account's tokens.
 */
async function accountsWithTokens(functions: WarmFunctions, purpose: AccountTokenPurpose, count: number) {
  const connection = await mysql.createConnection(process.env.DATABASE_URL!);
  const accounts: { email: string; token: string }[] = [];
  for (let index = 0; index < count; index++) {
    const fields = newAccountFields();
    const { id } = JSON.parse((await functions.http("signup", { body: fields }, 201)).body) as { id: number };
    const { token, hash } = newAccountToken();
    await connection.query("INSERT INTO account_tokens (token_hash, user_id, purpose, address, expires_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL 1 HOUR)", [
      hash,
      id,
      purpose,
      fields.email,
    ]);
    accounts.push({ email: fields.email, token });
  }
  await connection.end();
  return accounts;
}

/** The SQL one call of each HTTP route costs, on the path a successful call takes. */
async function sqlPerRoute(functions: WarmFunctions, counter: SqlCounter, batch: number): Promise<Record<string, SqlCounts>> {
  const member = await newAccount(functions);
  const admin = await newAdmin(functions);
  await functions.http("adminSetUserRoles", { authorizer: admin.authorizer, pathParameters: { id: String(admin.id) }, body: { roles: ["user", "moderator", "admin"] } }, 200);
  const everyRole = await functions.authorize((await signIn(functions, admin.username, admin.password)).accessToken);
  const target = { pathParameters: { id: String(member.id) }, authorizer: admin.authorizer };
  let refreshToken = member.refreshToken;
  // One per call of signout: its warm-up call and the batch. One after another: more than 5
  // signins of one username at once lock it (lib/sessions/lockout.ts).
  const sessions: Awaited<ReturnType<typeof signIn>>[] = [];
  for (let session = 0; session <= batch; session++) sessions.push(await signIn(functions, member.username, member.password));
  const password = (index: number) => `bench-password-${index + 1}`;
  const toReset = await accountsWithTokens(functions, "reset", batch + 1);
  const toVerify = await accountsWithTokens(functions, "verify", batch + 1);

  const calls: Record<string, (index: number) => Promise<unknown>> = {
    authorizer: () => functions.authorize(member.accessToken),
    publicBoard: () => functions.http("publicBoard", {}, 200),
    userBoard: () => functions.http("userBoard", { authorizer: everyRole }, 200),
    moderatorBoard: () => functions.http("moderatorBoard", { authorizer: everyRole }, 200),
    adminBoard: () => functions.http("adminBoard", { authorizer: everyRole }, 200),
    apiDescription: () => functions.http("apiDescription", { headers: { Host: "api.example.com" } }, 200),
    jwks: () => functions.http("jwks", {}, 200),
    openidConfiguration: () => functions.http("openidConfiguration", {}, 200),
    docs: () => functions.http("docs", {}, 200),
    accountPages: () => functions.http("accountPages", {}, 200),
    signup: () => functions.http("signup", { body: newAccountFields() }, 201),
    signin: () => functions.http("signin", { body: { username: member.username, password: member.password } }, 200),
    refresh: async () => {
      const answer = await functions.http("refresh", { body: { refreshToken } }, 200);
      refreshToken = (JSON.parse(answer.body) as { refreshToken: string }).refreshToken;
    },
    // The same use case under the tutorials' path, taking the chain of tokens on.
    refreshtoken: async () => {
      const answer = await functions.http("refreshtoken", { body: { refreshToken } }, 200);
      refreshToken = (JSON.parse(answer.body) as { refreshToken: string }).refreshToken;
    },
    signout: (index) => functions.http("signout", { body: { refreshToken: sessions[index]!.refreshToken } }, 204),
    me: () => functions.http("me", { authorizer: member.authorizer }, 200),
    adminListUsers: () => functions.http("adminListUsers", { authorizer: admin.authorizer }, 200),
    adminSetUserRoles: (index) => functions.http("adminSetUserRoles", { ...target, body: { roles: index % 2 ? ["user"] : ["user", "moderator"] } }, 200),
    adminEndUserSessions: () => functions.http("adminEndUserSessions", target, 204),
    // The mail routes: each queues its mail and answers (the sender's SQL is not a request's).
    forgotPassword: () => functions.http("forgotPassword", { body: { email: `${member.username}@example.com` } }, 202),
    resendVerification: () => functions.http("resendVerification", { body: { email: `${member.username}@example.com` } }, 202),
    resetPassword: (index) => functions.http("resetPassword", { body: { token: toReset[index]!.token, newPassword: "bench-new-password" } }, 204),
    verifyEmail: (index) => functions.http("verifyEmail", { body: { token: toVerify[index]!.token } }, 204),
    changeEmail: (index) =>
      functions.http("changeEmail", { authorizer: member.authorizer, body: { newEmail: `changed_${process.pid}_${index}@example.com`, currentPassword: password(0) } }, 202),
    // Last: it changes the member's password, which ends the member's sessions.
    changePassword: (index) =>
      functions.http("changePassword", { authorizer: member.authorizer, body: { currentPassword: password(index), newPassword: password(index + 1) } }, 204),
  };
  const counts: Record<string, SqlCounts> = {};
  for (const [name, call] of Object.entries(calls)) {
    // Call 0 is not counted (a first call may connect); the counted ones go on from call 1, so
    // each takes the next session or password.
    await call(0);
    counts[name] = await counter.perCall(batch, (index) => call(index + 1).then(() => undefined));
  }
  return counts;
}

/**
 * The first call of the routes the targets name, each in a fresh process after its import; the
 * authorizer's for each other algorithm too, in that algorithm's environment with a token it
 * signed, under `authorizer (<alg>)`; with a baseline, its bundles' first calls in the same
 * rounds, under `<name>@baseline`.
 */
async function firstCallsOfKeyRoutes(
  functions: WarmFunctions,
  rounds: number,
  baseline: Artifact[],
  tokens: Record<JwsAlgorithm, { accessToken: string }>,
  environments: Record<JwsAlgorithm, Record<string, string>>,
) {
  const member = await newAccount(functions);
  const boardEvent = functions.eventFor("userBoard", { authorizer: member.authorizer });
  const authorizerCall = (alg: JwsAlgorithm): [() => unknown, number | string, Record<string, string>] => [
    () => tokenAuthorizerEvent(`Bearer ${tokens[alg].accessToken}`),
    "Allow",
    environments[alg],
  ];
  const events: Record<string, [() => unknown, number | string, Record<string, string>?]> = {
    authorizer: [() => tokenAuthorizerEvent(`Bearer ${member.accessToken}`), "Allow"],
    ...Object.fromEntries(JWS_ALGORITHMS.filter((alg) => alg !== STAGE_ALG).map((alg) => [`authorizer (${alg})`, authorizerCall(alg)])),
    userBoard: [() => boardEvent, 200],
    signin: [() => functions.eventFor("signin", { body: { username: member.username, password: member.password } }), 200],
    signup: [() => functions.eventFor("signup", { body: newAccountFields(member.password) }), 201],
    refresh: [async () => functions.eventFor("refresh", { body: { refreshToken: (await signIn(functions, member.username, member.password)).refreshToken } }), 200],
  };
  const calls: Record<string, FirstCall> = {};
  for (const [name, [event, outcome, env]] of Object.entries(events)) {
    const functionName = name.startsWith("authorizer") ? "authorizer" : name;
    const handler = functions.handlerOf(functionName);
    calls[name] = { ...handler, event, outcome, env };
    // An earlier commit may check HS256 tokens only: its authorizer is given one.
    const then = name === functionName && baseline.find((artifact) => artifact.name === name);
    if (!then) continue;
    const [thenEvent, thenOutcome, thenEnv] = name === "authorizer" ? authorizerCall("HS256") : [event, outcome, env];
    calls[`${name}@baseline`] = { file: then.handlerFile, exportName: handler.exportName, event: thenEvent, outcome: thenOutcome, env: thenEnv };
  }
  return firstCalls(calls, rounds);
}

const work = mkdtempSync(join(tmpdir(), "auth-api-bench-"));
onCleanUp(() => rmSync(work, { recursive: true, force: true }));
const database = await createTestDatabase("auth_api_bench");
onCleanUp(() => database.drop());
let exitCode = 0;
try {
  console.error(`bench${smoke ? " (smoke)" : ""}: packaging the prod stage…`);
  const artifacts = await packagedFunctions(work);
  const empty = await emptyHandler(work);
  const mail = await mailClient(work);
  const routes = packagedRoutes(work);
  if (baselineRef) console.error(`bench: packaging ${baselineRef} for the baseline…`);
  const baseline = baselineRef ? await baselineFunctions(baselineRef, work) : [];

  console.error(`bench: cold init, ${plan.coldRounds} interleaved rounds…`);
  const cold = coldInits({ ...distinctBundles([...artifacts, ...baseline]), empty: empty.handlerFile, mailClient: mail.handlerFile }, plan.coldRounds);

  // As every stage has them: a key pair that signs (RS256, the default), and the HMAC secret
  // that still checks the HS256 tokens signed before a switch.
  const jwtPrivateKey = newSigningKeyPem("RS256");
  const jwtSecret = randomBytes(32).toString("base64url");
  // Each algorithm's stage: both secrets set, as serverless.yml sets them for every stage, and a
  // key pair of the algorithm's kind. JWT_SECRET is this process's.
  const environments: Record<JwsAlgorithm, Record<string, string>> = {
    RS256: { ACCESS_TOKEN_ALG: "RS256", JWT_PRIVATE_KEY: jwtPrivateKey },
    ES256: { ACCESS_TOKEN_ALG: "ES256", JWT_PRIVATE_KEY: newSigningKeyPem("ES256") },
    HS256: { ACCESS_TOKEN_ALG: "HS256", JWT_PRIVATE_KEY: jwtPrivateKey },
  };
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    ...environments[STAGE_ALG],
    JWT_SECRET: jwtSecret,
    BCRYPT_COST: String(BCRYPT_COST),
    CORS_ORIGINS: "https://app.example.com",
    // The handlers' JSON log lines would drown the table; errors still show.
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  const functions = new WarmFunctions(artifacts, routes);

  console.error("bench: SQL per request…");
  const counter = await SqlCounter.open(database.url);
  const sql = await sqlPerRoute(functions, counter, plan.sqlBatch);
  await counter.close();

  console.error(`bench: the authorizer warm per algorithm, ${plan.fastRounds} rounds in a process of each…`);
  const runs = authorizerByAlgorithm(functions.handlerOf("authorizer"), environments, plan.fastRounds);

  console.error(`bench: first calls, ${plan.coldRounds} interleaved rounds…`);
  const first = await firstCallsOfKeyRoutes(functions, plan.coldRounds, baseline, runs, environments);

  console.error("bench: warm latency…");
  const warm: Record<string, Spread> = {
    ...(await warmLatencies(functions, { fastRounds: plan.fastRounds, slowRounds: plan.slowRounds, bcryptCost: BCRYPT_COST })),
    // The table's authorizer is the stage's: RS256, in its own process.
    authorizer: runs[STAGE_ALG].figures.authorizerMs,
  };

  console.error(`bench: local throughput, ${plan.loadSeconds} s × ${plan.connections} connections per route…`);
  const throughput = await localThroughput({ databaseUrl: database.url, jwtPrivateKey, jwtSecret, bcryptCost: BCRYPT_COST, seconds: plan.loadSeconds, connections: plan.connections });

  const report: Report = {
    date: new Date().toISOString(),
    smoke,
    plan,
    node: process.version,
    bcryptCost: BCRYPT_COST,
    bareNodeMs: cold.bareNode,
    emptyHandler: { bundleBytes: empty.bundleBytes, coldInitMs: cold.imports.empty! },
    mailClient: { bundleBytes: mail.bundleBytes, coldInitMs: cold.imports.mailClient! },
    functions: artifacts.map((artifact) => {
      const bundleSource = readFileSync(artifact.handlerFile, "utf8");
      const counts = sql[artifact.name];
      return {
        name: artifact.name,
        memoryMb: routes[artifact.name]!.memoryMb,
        zipBytes: artifact.zipBytes,
        bundleBytes: artifact.bundleBytes,
        bundlesOrm: ORM_OR_DRIVER.test(bundleSource),
        coldInitMs: cold.imports[artifact.digest]!,
        firstCallMs: first[artifact.name],
        warmMs: warm[artifact.name],
        sql: counts && { ...counts, statements: describeStatements(counts) },
      };
    }),
    authorizerByAlgorithm: Object.fromEntries(
      JWS_ALGORITHMS.map((alg) => [alg, { ...runs[alg].figures, firstCallMs: first[alg === STAGE_ALG ? "authorizer" : `authorizer (${alg})`]! }]),
    ) as Report["authorizerByAlgorithm"],
    stageAlg: STAGE_ALG,
    references: {
      "bcrypt compare": warm["bcrypt compare"]!,
      "bcrypt hash": warm["bcrypt hash"]!,
    },
    throughput,
    baseline: baselineRef
      ? {
          ref: baselineRef,
          functions: baseline.map((artifact) => ({
            name: artifact.name,
            zipBytes: artifact.zipBytes,
            bundleBytes: artifact.bundleBytes,
            coldInitMs: cold.imports[artifact.digest]!,
            firstCallMs: first[`${artifact.name}@baseline`],
          })),
        }
      : undefined,
  };
  const resultsFile =
    resultsArg > 0 ? resolve(process.argv[resultsArg + 1]!) : join(RESULTS_DIR, `${smoke ? "smoke-" : ""}${report.date.replace(/[:.]/g, "-")}.json`);
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  console.log(`\nwritten to ${resultsFile}`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await cleanUp();
}
// The packaged handlers keep their database pools open, as in a Lambda container.
process.exit(exitCode);
