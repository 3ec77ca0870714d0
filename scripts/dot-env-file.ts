// .env holds the local stage's settings for every local command: `npm start`, `npm run
// create-admin` (`sls invoke local`), `npm run db:migrate`. Updated one variable at a time, so
// the user's other lines and comments stay as they are.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

export const DOT_ENV_FILE = ".env";

/**
 * Creates .env from .env.example with its own random JWT_SECRET when there is none, so a fresh
 * clone works at once and no secret is ever committed. Returns whether it did.
 */
export function ensureDotEnv(path = DOT_ENV_FILE, examplePath = ".env.example"): boolean {
  if (existsSync(path)) return false;
  const example = readFileSync(examplePath, "utf8");
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(path, example.replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret}`), { mode: 0o600 });
  return true;
}

/** NAME's value in the text of a .env file, as Node's own reader (process.loadEnvFile) reads it. */
export function dotEnvValueOf(text: string, name: string): string | undefined {
  return parseEnv(text)[name];
}

/** `value` written so that Node's .env reader reads it back unchanged (a `#` would start a comment). */
export function dotEnvValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error("a .env value cannot span lines");
  if (/^[\w.:/@%?&=+,~*!$()[\]-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes("`")) return `\`${value}\``;
  // Double quotes last: inside them the reader turns \n into a line break.
  if (!value.includes('"') && !value.includes("\\")) return `"${value}"`;
  throw new Error("a .env value cannot hold ' and ` with \" or \\");
}

/** The text of a .env file with NAME set to `value`: its line replaced in place, or one appended. */
export function withDotEnvValue(text: string, name: string, value: string): string {
  const line = `${name}=${dotEnvValue(value)}`;
  const assignment = new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=.*$`, "gm");
  let replaced = false;
  // The first assignment becomes the new line; later ones (the reader keeps the last) go.
  const updated = text.replace(assignment, () => (replaced ? "\0" : ((replaced = true), line)));
  if (replaced) return updated.replace(/^\0(?:\r?\n|$)/gm, "");
  return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${line}\n`;
}

/** Sets NAME in the .env file at `path` (which must exist); returns the value it had. */
export function setDotEnvValue(name: string, value: string, path = DOT_ENV_FILE): string | undefined {
  const text = readFileSync(path, "utf8");
  const before = dotEnvValueOf(text, name);
  if (before !== value) writeFileSync(path, withDotEnvValue(text, name, value));
  return before;
}
