import { ConfigError, integerFrom, onResetConfig } from "../config/environment.ts";
import { jsonObjectIn, KEEP_ON_OUTAGE, maxAgeMs, maxAgeMsOf, secretSource, stringField, unreadable, type SecretRead } from "../config/secret-setting.ts";
import { expiring, readCurrentSecret } from "../config/secrets-manager.ts";
import { formatDatabaseUrl, withAddress } from "./database-url.ts";

// DATABASE_URL: the database's URL, as the value itself or from a Secrets Manager secret in any
// of the forms below (RDS's own among them). Here, beside the client that reads it, so that only
// the bundles that reach the database carry these formats.

const SUPPORTED_ENGINES = new Set(["mysql", "mariadb", "aurora-mysql"]);
// A host name or an IP address: nothing that could end the URL's host part early (/, @, ?, #).
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$|^[0-9A-Fa-f:.]+$/;

interface AddressParts {
  host?: string;
  port?: number;
  database?: string;
}

/** DATABASE_HOST, DATABASE_PORT and DATABASE_NAME: when set, they win over what DATABASE_URL gives. */
function addressFromEnvironment(): AddressParts {
  const host = process.env.DATABASE_HOST || undefined;
  if (host !== undefined && !HOST.test(host)) throw new ConfigError("DATABASE_HOST must be a host name or an IP address");
  const port = process.env.DATABASE_PORT ? integerFrom("DATABASE_PORT", 3306, 1, 65535) : undefined;
  const database = process.env.DATABASE_NAME || undefined;
  return { host, port, database };
}
/** A port as RDS secrets write it: a number, or a string of digits. */
function portIn(secret: Record<string, unknown>, described: string): number | undefined {
  const { port } = secret;
  if (port === undefined) return undefined;
  const value = typeof port === "string" && /^[0-9]+$/.test(port) ? Number(port) : port;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${described} has a "port" field that is not a port number`);
  }
  return value;
}

/**
 * The URL of a secret in Secrets Manager's RDS form: {username, password, engine, host, port,
 * dbname}. A secret that RDS manages itself (ManageMasterUserPassword) holds only username and
 * password: host, port and database name then come from the environment, which also wins over
 * the secret's own (DATABASE_HOST naming an RDS Proxy endpoint, say).
 */
function urlOfRdsSecret(secret: Record<string, unknown>, described: string, environment: AddressParts): string {
  const user = stringField(secret, "username", described);
  const password = stringField(secret, "password", described);
  if (secret.engine !== undefined && !(typeof secret.engine === "string" && SUPPORTED_ENGINES.has(secret.engine))) {
    throw new ConfigError(`${described} is for an engine other than mysql or mariadb, which this API does not support`);
  }
  const host = environment.host ?? secret.host;
  if (typeof host !== "string" || host === "") throw new ConfigError(`${described} has no string "host" field: add one, or set DATABASE_HOST`);
  if (!HOST.test(host)) throw new ConfigError(`${described} has a "host" field that is not a host name or an IP address`);
  const database = environment.database ?? secret.dbname;
  if (typeof database !== "string" || database === "") {
    throw new ConfigError(`${described} has no string "dbname" field: add one, or set DATABASE_NAME`);
  }
  const port = environment.port ?? portIn(secret, described) ?? 3306;
  return formatDatabaseUrl({ host, port, user, password, database });
}

/** A URL the environment changes nothing of, or that URL with what the environment sets. */
function withEnvironment(url: string, { host, port, database }: AddressParts): string {
  return host || port || database ? withAddress(url, { host, port, database }) : url;
}

/** A database URL from a secret's string: the URL itself, JSON {"url": …}, or an RDS secret. */
function databaseUrlIn(text: string, described: string, environment: AddressParts): string {
  const object = jsonObjectIn(text, described, 'the URL itself, an object with a "url" field, or an RDS secret (username, password, host, …)');
  if (!object) return withEnvironment(text, environment);
  if ("url" in object) return withEnvironment(stringField(object, "url", described), environment);
  if ("username" in object || "password" in object) return urlOfRdsSecret(object, described, environment);
  throw new ConfigError(`${described} has neither a "url" field nor the "username" and "password" fields of an RDS secret`);
}

async function loadDatabaseUrl(): Promise<string> {
  const source = secretSource("DATABASE_URL");
  const environment = addressFromEnvironment();
  if ("value" in source) return withEnvironment(source.value, environment);
  return databaseUrlIn(await readCurrentSecret(source.arn).catch(unreadable("DATABASE_URL", source.arn)), source.described, environment);
}

const databaseUrl = expiring(loadDatabaseUrl, maxAgeMs, { keepOnFailure: KEEP_ON_OUTAGE });
onResetConfig(() => databaseUrl.reset());

export function getDatabaseUrl(read: SecretRead = {}): Promise<string> {
  return databaseUrl.get(maxAgeMsOf(read));
}
