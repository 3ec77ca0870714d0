// SQL statements per request, route by route, as the database server counts them: SHOW GLOBAL
// STATUS (Questions and the Com_* counters) read before and after a batch of in-process handler
// calls, its own cost (one SHOW) taken off. Global counters are the whole server's: run it on an
// otherwise idle server (it says when another client was connected while it counted).
//   npm run bench:sql
import { resolve } from "node:path";
import mysql from "mysql2/promise";
import { parseDatabaseUrl } from "../lib/db/database-url.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { httpEvent, lambdaContext, tokenAuthorizerEvent } from "../test/support/lambda-events.ts";

const BATCH = Number(process.env.BATCH ?? 20);
/** Questions and every Com_* counter by name (Com_stmt_*, the binary protocol's own steps, left out). */
type Counts = Map<string, number>;

const database = await createTestDatabase("auth_api_bench");
process.env.DATABASE_URL = database.url;
process.env.JWT_SECRET ??= "bench-secret-bench-secret-bench-secret";
// Statements do not depend on the cost; a low one keeps the run short.
process.env.BCRYPT_COST = "4";
// The reuse warnings the refresh rows provoke on purpose.
process.env.POWERTOOLS_LOG_LEVEL = "ERROR";

const monitor = await mysql.createConnection(parseDatabaseUrl(database.url));

async function serverCounts(): Promise<Counts> {
  const [rows] = await monitor.query<mysql.RowDataPacket[]>(
    "SHOW GLOBAL STATUS WHERE Variable_name = 'Questions' OR (Variable_name LIKE 'Com\\_%' AND Variable_name NOT LIKE 'Com\\_stmt\\_%')",
  );
  return new Map(rows.map((row) => [String(row.Variable_name), Number(row.Value)]));
}

/** Connections to the server besides this script's own (the monitor and the handlers' one). */
async function otherClients(): Promise<number> {
  const [rows] = await monitor.query<mysql.RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND <> 'Daemon' AND NOT (DB <=> ?)",
    [database.name],
  );
  return Number(rows[0]?.n);
}

/** Closes the handlers' connection and waits until the server has seen it go (its quit counts as a question). */
async function closeHandlerConnection(disconnect: () => Promise<void>): Promise<void> {
  await disconnect();
  for (;;) {
    const [rows] = await monitor.query<mysql.RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND DB = ?",
      [database.name],
    );
    if (Number(rows[0]?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Row {
  route: string;
  perRequest: Counts;
  busy: boolean;
}
const rows: Row[] = [];
let overhead: Counts | undefined;

/** What the counters moved by while `work` ran, less the cost of reading them. */
async function countsOf(work: () => Promise<void>): Promise<Counts> {
  const before = await serverCounts();
  await work();
  const after = await serverCounts();
  return new Map([...after].map(([name, value]) => [name, value - (before.get(name) ?? 0) - (overhead?.get(name) ?? 0)]));
}

/** Counts `act` once per fixture, each call alone (`setUp` runs uncounted before it); per request. */
async function measure<T>(
  route: string,
  fixtures: T[],
  act: (fixture: T) => Promise<void>,
  setUp: (fixture: T) => Promise<void> = async () => {},
): Promise<void> {
  const busyBefore = (await otherClients()) > 0;
  const total: Counts = new Map();
  for (const fixture of fixtures) {
    await setUp(fixture);
    for (const [name, value] of await countsOf(() => act(fixture))) total.set(name, (total.get(name) ?? 0) + value);
  }
  const busy = busyBefore || (await otherClients()) > 0;
  rows.push({ route, perRequest: new Map([...total].map(([name, value]) => [name, value / fixtures.length])), busy });
}

try {
  const { applyMigrations } = await import("../lib/db/migrations.ts");
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  const { handler: signup } = await import("../functions/signup.ts");
  const { handler: signin } = await import("../functions/signin.ts");
  const { handler: refresh } = await import("../functions/refresh.ts");
  const { handler: signout } = await import("../functions/signout.ts");
  const { handler: password } = await import("../functions/password.ts");
  const { handler: me } = await import("../functions/me.ts");
  const admin = await import("../functions/admin/users.ts");
  const { userBoard } = await import("../functions/boards.ts");
  const { handler: authorizer } = await import("../functions/authorizer.ts");
  const { disconnectPrisma } = await import("../lib/db/client.ts");

  type Answer = { statusCode: number; body: string };
  const call = async (handler: unknown, event: unknown, status: number): Promise<Answer> => {
    const answer = await (handler as (e: unknown, c: unknown) => Promise<Answer>)(event, lambdaContext());
    if (answer.statusCode !== status) throw new Error(`expected ${status}, got ${answer.statusCode}: ${answer.body}`);
    return answer;
  };
  const post = (body: unknown, headers: Record<string, string> = {}) => httpEvent({ body, headers });
  const range = (prefix: string) => Array.from({ length: BATCH }, (_, i) => `${prefix}_${i}`);
  const account = (name: string) => ({ username: name, email: `${name}@example.com`, password: `pw-${name}-secret` });
  type Session = { id: number; username: string; accessToken: string; refreshToken: string; roles: string[] };
  const signIn = async (name: string): Promise<Session> =>
    JSON.parse((await call(signin, post({ username: name, password: account(name).password }), 200)).body) as Session;
  const signUpAll = async (names: string[]) => {
    for (const name of names) await call(signup, post(account(name)), 201);
  };
  const asCaller = (session: Session) => ({
    userId: session.id,
    username: session.username,
    roles: session.roles.map((role) => role.replace(/^ROLE_/, "").toLowerCase()).join(","),
  });

  // A first request pays for the connection; then the cost of counting itself.
  await signUpAll(["warm_up"]);
  overhead = await countsOf(async () => {});

  await measure("signup", range("new"), async (name) => {
    await call(signup, post(account(name)), 201);
  });
  await measure("signup, username and email taken (409)", range("new"), async (name) => {
    await call(signup, post(account(name)), 409);
  });

  await signUpAll(["boss"]);
  const { createAdmin } = await import("../lib/users/create-admin.ts");
  await createAdmin({ username: "boss", promote: true });
  const boss = await signIn("boss");
  await measure("signup with roles, by an admin", range("granted"), async (name) => {
    await call(signup, post({ ...account(name), roles: ["moderator"] }, { Authorization: `Bearer ${boss.accessToken}` }), 201);
  });

  await measure("signin", range("new"), async (name) => {
    await call(signin, post({ username: name, password: account(name).password }), 200);
  });
  await measure("signin, wrong password (401)", range("new"), async (name) => {
    await call(signin, post({ username: name, password: "a-wrong-password" }), 401);
  });
  await measure("signin after a failure (clears the count)", range("new"), async (name) => {
    await call(signin, post({ username: name, password: account(name).password }), 200);
  });
  await measure("signin, unknown user (401)", range("nobody"), async (name) => {
    await call(signin, post({ username: name, password: "a-wrong-password" }), 401);
  });
  for (const name of range("nobody")) {
    for (let failure = 0; failure < 4; failure++) await call(signin, post({ username: name, password: "x-wrong-password" }), 401);
  }
  await measure("signin, locked (429)", range("nobody"), async (name) => {
    await call(signin, post({ username: name, password: "a-wrong-password" }), 429);
  });
  await measure(
    "signin, first request of a container",
    range("new"),
    async (name) => {
      await call(signin, post({ username: name, password: account(name).password }), 200);
    },
    () => closeHandlerConnection(disconnectPrisma),
  );

  const sessions = await Promise.all(range("new").map((name) => signIn(name)));
  const refreshed: Session[] = [];
  await measure("refresh", sessions, async (session) => {
    refreshed.push(JSON.parse((await call(refresh, post({ refreshToken: session.refreshToken }), 200)).body) as Session);
  });
  await measure("refresh, a spent token (reuse, 401)", sessions, async (session) => {
    await call(refresh, post({ refreshToken: session.refreshToken }), 401);
  });
  await measure("refresh, unknown token (401)", sessions, async (session) => {
    await call(refresh, post({ refreshToken: session.refreshToken }), 401);
  });

  const toEnd = await Promise.all(range("new").map((name) => signIn(name)));
  await measure("signout {refreshToken}", toEnd, async (session) => {
    await call(signout, post({ refreshToken: session.refreshToken }), 204);
  });
  await measure("signout {all}", toEnd, async (session) => {
    await call(signout, post({ all: true }, { Authorization: `Bearer ${session.accessToken}` }), 204);
  });
  await measure("me", toEnd, async (session) => {
    await call(me, httpEvent({ authorizer: asCaller(session) }), 200);
  });
  await measure("password change", toEnd, async (session) => {
    const body = { currentPassword: account(session.username).password, newPassword: `new-${account(session.username).password}` };
    await call(password, httpEvent({ body, authorizer: asCaller(session) }), 204);
  });
  await measure("password change, wrong current password (401)", toEnd, async (session) => {
    const body = { currentPassword: "a-wrong-password", newPassword: "whatever-new-password" };
    await call(password, httpEvent({ body, authorizer: asCaller(session) }), 401);
  });

  const bossContext = { authorizer: asCaller(boss) };
  await measure("admin: list users", toEnd, async () => {
    await call(admin.list, httpEvent({ ...bossContext, query: { limit: "20" } }), 200);
  });
  await measure("admin: set roles", toEnd, async (session) => {
    const event = httpEvent({ ...bossContext, method: "PUT", body: { roles: ["moderator"] }, pathParameters: { id: String(session.id) } });
    await call(admin.setRoles, event, 200);
  });
  await measure("admin: end a user's sessions", toEnd, async (session) => {
    await call(admin.endSessions, httpEvent({ ...bossContext, method: "DELETE", pathParameters: { id: String(session.id) } }), 204);
  });
  await measure("board (user)", toEnd, async (session) => {
    await call(userBoard, httpEvent({ authorizer: asCaller(session) }), 200);
  });
  await measure("authorizer", toEnd, async (session) => {
    await authorizer(tokenAuthorizerEvent(`Bearer ${session.accessToken}`));
  });
  await disconnectPrisma();

  // Questions first, then the counters some route moved.
  const columns = ["Questions", ...[...(rows[0]?.perRequest.keys() ?? [])].filter((name) => name !== "Questions" && rows.some((row) => row.perRequest.get(name)))];
  const labels = columns.map((name) => name.replace(/^Com_/, ""));
  const shown = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));
  console.log(`SQL statements per request (SHOW GLOBAL STATUS around ${BATCH} calls each):`);
  console.log(["route".padEnd(46), ...labels.map((label) => label.padStart(label.length + 2))].join(""));
  for (const row of rows) {
    const cells = columns.map((name, i) => shown(row.perRequest.get(name) ?? 0).padStart(labels[i]!.length + 2));
    console.log([row.route.padEnd(46), ...cells, row.busy ? "  (another client was connected)" : ""].join(""));
  }
} finally {
  await monitor.end();
  await database.drop();
}
