// Run by `npm start`: a fresh clone gets a .env with its own random JWT secret, so the local API
// works at once and no secret is ever committed.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const ENV_FILE = ".env";

if (!existsSync(ENV_FILE)) {
  const example = readFileSync(".env.example", "utf8");
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(ENV_FILE, example.replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret}`), { mode: 0o600 });
  console.log(`created ${ENV_FILE} from .env.example with a random JWT_SECRET`);
}
