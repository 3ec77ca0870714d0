// `npm run db:up`: starts docker-compose.yml's MySQL 8.4 and points the local stage at it by
// writing its DATABASE_URL into .env (the other lines of .env stay as they are).
import { spawnSync } from "node:child_process";
import { shownDatabaseUrl } from "./database-check.ts";
import { DOT_ENV_FILE, ensureDotEnv, setDotEnvValue } from "./dot-env-file.ts";

/**
 * The URL docker-compose.yml implies: its MYSQL_USER and MYSQL_PASSWORD, MYSQL_DATABASE, and the
 * host port it publishes. `allowPublicKeyRetrieval` lets the mariadb driver log in with MySQL
 * 8.4's default caching_sha2_password over this unencrypted local connection.
 */
const COMPOSE_DATABASE_URL = "mysql://auth:auth@127.0.0.1:3307/auth_api?allowPublicKeyRetrieval=true";

function fail(message: string): never {
  console.error(`db:up: ${message}`);
  process.exit(1);
}

const OR_YOUR_OWN = "or start MySQL or MariaDB yourself and put its DATABASE_URL into .env";

// First `docker compose version`: a docker without Compose v2 would only say "unknown shorthand flag".
const version = spawnSync("docker", ["compose", "version"], { stdio: "ignore" });
const notStarted: NodeJS.ErrnoException | undefined = version.error;
if (notStarted?.code === "ENOENT") {
  fail(`docker is not installed (not on PATH): install Docker Desktop or Docker Engine with its compose plugin (https://docs.docker.com/get-docker/), ${OR_YOUR_OWN}`);
}
if (notStarted) fail(`could not run docker: ${notStarted.message}`);
if (version.status !== 0) {
  fail(`docker is installed without Docker Compose v2 (\`docker compose\`): install its compose plugin (https://docs.docker.com/compose/install/), ${OR_YOUR_OWN}`);
}

const compose = spawnSync("docker", ["compose", "up", "-d", "--wait"], { stdio: "inherit" });
if (compose.status !== 0) {
  fail("`docker compose up -d --wait` failed (see above; is the Docker engine running?); .env is unchanged");
}

if (ensureDotEnv()) console.log(`created ${DOT_ENV_FILE} from .env.example with a random JWT_SECRET`);
setDotEnvValue("DATABASE_URL", COMPOSE_DATABASE_URL);
console.log(`db:up: MySQL 8.4 is up at 127.0.0.1:3307; ${DOT_ENV_FILE} has DATABASE_URL=${shownDatabaseUrl(COMPOSE_DATABASE_URL)}. Next: npm start`);
if (process.env.DATABASE_URL && process.env.DATABASE_URL !== COMPOSE_DATABASE_URL) {
  console.log("db:up: DATABASE_URL is also set in this shell, and the shell wins over .env: unset DATABASE_URL");
}
