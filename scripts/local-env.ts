// Run by `npm start`: a fresh clone gets a .env with its own random JWT secret, and .env stays
// the one place for DATABASE_URL. A DATABASE_URL given on `npm start`'s command line is written
// into .env, so that the commands run later without it (`npm run create-admin`, `npm run
// db:migrate`) use the same database as the API.
import { shownDatabaseUrl } from "./database-check.ts";
import { DOT_ENV_FILE, ensureDotEnv, setDotEnvValue } from "./dot-env-file.ts";

if (ensureDotEnv()) console.log(`created ${DOT_ENV_FILE} from .env.example with a random JWT_SECRET`);

const fromShell = process.env.DATABASE_URL;
if (fromShell) {
  const before = setDotEnvValue("DATABASE_URL", fromShell);
  if (before !== fromShell) {
    console.log(
      `${DOT_ENV_FILE}: DATABASE_URL set to the shell's ${shownDatabaseUrl(fromShell)} (was ${before === undefined ? "unset" : shownDatabaseUrl(before)}), so later commands use the same database`,
    );
  }
}
