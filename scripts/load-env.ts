import { existsSync } from "node:fs";

/** Loads .env if there is one; variables already set (e.g. on the command line) win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export const DEFAULT_DATABASE_URL = "mysql://root@127.0.0.1:3306/auth_api";
