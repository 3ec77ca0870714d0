import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";

// Each test run gets its own database, created here and dropped afterwards. The server is the
// local MariaDB unless TEST_DATABASE_SERVER_URL names another (e.g. the docker-compose MySQL).

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? "mysql://root@127.0.0.1:3306";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server's URL with `database` as its path, keeping any options it carries. */
function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function serverConnection(): Promise<mysql.Connection> {
  const { host, port, user, password } = parseDatabaseUrl(urlFor("mysql"));
  return mysql.createConnection({ host, port, user, password });
}

export async function createTestDatabase(prefix = "auth_api_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const connection = await serverConnection();
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  return {
    name,
    url: urlFor(name),
    async drop() {
      const dropper = await serverConnection();
      await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await dropper.end();
    },
  };
}
