// Run by `npm start`: a fresh clone gets a .env with its own random JWT secret and key pair, and
// .env stays the one place for DATABASE_URL. A DATABASE_URL given on `npm start`'s command line is written
// into .env, so that the commands run later without it (`npm run create-admin`, `npm run
// db:migrate`) use the same database as the API.
import { readFileSync } from "node:fs";
import { shownDatabaseUrl } from "./database-check.ts";
import { DOT_ENV_FILE, dotEnvValueOf, ensureDotEnv, setDotEnvValue } from "./dot-env-file.ts";
import { ensureSigningKey } from "./signing-key-in-dot-env.ts";

if (ensureDotEnv()) console.log(`created ${DOT_ENV_FILE} from .env.example with a random JWT_SECRET`);

// The shell's setting wins over .env's, as it does for the API itself.
const wantedAlg = process.env.ACCESS_TOKEN_ALG || dotEnvValueOf(readFileSync(DOT_ENV_FILE, "utf8"), "ACCESS_TOKEN_ALG") || "RS256";
const signingKey = ensureSigningKey(wantedAlg);
if (signingKey !== "kept") {
  const kind = wantedAlg === "ES256" ? "EC P-256" : "RSA-2048";
  const consequence = signingKey === "replaced" ? "; tokens signed with the old one are refused" : "";
  console.log(`${DOT_ENV_FILE}: JWT_PRIVATE_KEY ${signingKey} (a new ${kind} key pair for ACCESS_TOKEN_ALG=${wantedAlg})${consequence}`);
}

const fromShell = process.env.DATABASE_URL;
if (fromShell) {
  const before = setDotEnvValue("DATABASE_URL", fromShell);
  if (before !== fromShell) {
    console.log(
      `${DOT_ENV_FILE}: DATABASE_URL set to the shell's ${shownDatabaseUrl(fromShell)} (was ${before === undefined ? "unset" : shownDatabaseUrl(before)}), so later commands use the same database`,
    );
  }
}
