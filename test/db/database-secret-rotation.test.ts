import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";
import { databaseUnavailable } from "../../lib/db/unavailable.ts";
import { closeContainers, newContainerWith } from "../support/containers.ts";
import { query } from "../support/db-query.ts";
import { getSecretValueCalls, putSecretValue, resetSecretsManager } from "../support/secrets-manager.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";

// The database password rotated under a warm container: a database user of this file's own, whose
// password changes in the server and in the (mocked) Secrets Manager secret, as a single-user
// rotation does. The secret is in Secrets Manager's RDS form, so that a password full of
// punctuation also goes through the URL the client builds from it.

const RUN_URL = inject("databaseUrl");
const RUN = parseDatabaseUrl(RUN_URL);
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-api/test/database-url-AbCdEf";
/** The pool gives up after 2 s (lib/db/client.ts); the function's timeout is 10 s. */
const BUDGET_MS = 3_500;
const USER = `rotation_${randomBytes(4).toString("hex")}`;

type GetPrisma = (typeof import("../../lib/db/client.ts"))["getPrisma"];
const proxies: TcpProxy[] = [];

/** A password as RDS makes them, with the characters a URL must escape. */
function newPassword(): string {
  return `${randomBytes(6).toString("base64url")}@:/%41?#[ ]"'\\é`;
}

function rdsSecret(password: string, proxy: TcpProxy): string {
  return JSON.stringify({ engine: "mariadb", host: "127.0.0.1", port: proxy.port, username: USER, password, dbname: RUN.database });
}

async function setPassword(password: string): Promise<void> {
  await query("ALTER USER ?@'%' IDENTIFIED BY ?", [USER, password]);
}

/** A cold container whose DATABASE_URL is the secret's ARN. */
async function newContainer(): Promise<GetPrisma> {
  process.env.DATABASE_URL = ARN;
  return (await newContainerWith(() => import("../../lib/db/client.ts"))).getPrisma;
}

async function currentUser(getPrisma: GetPrisma): Promise<string> {
  const [row] = await (await getPrisma()).$queryRaw<{ user: string }[]>`SELECT CURRENT_USER() AS user`;
  return String(row?.user);
}

beforeAll(async () => {
  await query("CREATE USER ?@'%' IDENTIFIED BY ?", [USER, newPassword()]);
  await query(`GRANT ALL PRIVILEGES ON \`${RUN.database}\`.* TO ?@'%'`, [USER]);
});

afterEach(() => {
  process.env.DATABASE_URL = RUN_URL;
});

afterAll(async () => {
  await closeContainers();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await query("DROP USER IF EXISTS ?@'%'", [USER]);
});

describe("a rotated database password", () => {
  it("leaves open connections working, and a new connection, refused with the old one, reads the secret again", async () => {
    // Prepare: a warm container connected with the first password, through a proxy that can cut
    // its connection.
    resetSecretsManager();
    const proxy = await startTcpProxy(RUN);
    proxies.push(proxy);
    const first = newPassword();
    await setPassword(first);
    putSecretValue(ARN, rdsSecret(first, proxy));
    const getPrisma = await newContainer();
    expect(await currentUser(getPrisma)).toBe(`${USER}@%`);
    // Act 1: the rotation. The open connection goes on working; the secret is not read again.
    const second = newPassword();
    await setPassword(second);
    putSecretValue(ARN, rdsSecret(second, proxy));
    expect(await currentUser(getPrisma)).toBe(`${USER}@%`);
    expect(getSecretValueCalls()).toHaveLength(1);
    // Act 2: the connection is lost (an idle timeout, a failover); the next one must log in anew.
    await proxy.close();
    await sleep(100);
    await proxy.forward();
    const started = performance.now();
    const user = await currentUser(getPrisma);
    const ms = performance.now() - started;
    // Assess: refused with the cached password, then connected with the one read past the cache,
    // in one pool timeout (2 s) and a moment.
    expect(user).toBe(`${USER}@%`);
    expect(getSecretValueCalls()).toHaveLength(2);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it("that the secret does not know of yet fails as any refused login does, after one more reading", async () => {
    // Prepare: the server's password changed, the secret's not (yet).
    resetSecretsManager();
    const proxy = await startTcpProxy(RUN);
    proxies.push(proxy);
    putSecretValue(ARN, rdsSecret(newPassword(), proxy));
    await setPassword(newPassword());
    const getPrisma = await newContainer();
    // Act
    const started = performance.now();
    const error = await getPrisma().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const ms = performance.now() - started;
    // Assess: the same 503 cause as before, within the same time: no second attempt.
    expect(databaseUnavailable(error)).toMatchObject({ cause: "access denied", code: "ER_ACCESS_DENIED_ERROR" });
    expect(getSecretValueCalls()).toHaveLength(2);
    expect(ms).toBeLessThan(BUDGET_MS);
  });
});
