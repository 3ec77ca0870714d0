// @ts-check
// `${localEnv:NAME}`: the local stage's settings, from the shell or else from .env.
//
// osls's own `useDotenv` loads .env (or .env.<stage>) into the process before any stage is known
// to the configuration, so a .env written for `npm start` reached `sls package --stage prod` as
// if the deploying shell had set it (CORS_ORIGINS=http://localhost:8081 in every function, past
// the deploy guard). This source reads .env only for the local stage `dev`; serverless.yml uses it
// in params.dev alone, and every other stage reads `${env:...}`, the shell only.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { parseEnv } from "node:util";

const LOCAL_STAGE = "dev";
const ENV_FILE = ".env";

export default class LocalEnvPlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    /** @type {Record<string, string> | undefined} */
    let dotEnv;
    const readDotEnv = () => {
      const path = join(serverless.serviceDir ?? process.cwd(), ENV_FILE);
      dotEnv ??= existsSync(path) ? /** @type {Record<string, string>} */ (parseEnv(readFileSync(path, "utf8"))) : {};
      return dotEnv;
    };
    this.configurationVariablesSources = {
      localEnv: {
        /** @param {{ address: string, resolveConfigurationProperty: (path: string[]) => Promise<unknown> }} input */
        async resolve({ address, resolveConfigurationProperty }) {
          // Variables set in the shell win, as they do for `${env:...}`.
          const fromShell = process.env[address];
          if (fromShell !== undefined) return { value: fromShell };
          const stage = await resolveConfigurationProperty(["provider", "stage"]);
          if (stage !== LOCAL_STAGE) return { value: null };
          return { value: readDotEnv()[address] ?? null };
        },
      },
    };
  }
}
