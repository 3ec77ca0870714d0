import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { getDatabaseUrl } from "../config.ts";
import { withPoolSize } from "./database-url.ts";
import { PrismaClient } from "./generated/client.ts";

// One client per container, created on first use and never disconnected per request.

let client: Promise<PrismaClient> | undefined;

export function getPrisma(): Promise<PrismaClient> {
  client ??= getDatabaseUrl()
    .then((url) => new PrismaClient({ adapter: new PrismaMariaDb(withPoolSize(url, 1)) }))
    .catch((error: unknown) => {
      client = undefined;
      throw error;
    });
  return client;
}

/** Closes the pool; for scripts and tests, never for a Lambda request. */
export async function disconnectPrisma(): Promise<void> {
  const pending = client;
  client = undefined;
  if (pending) await (await pending).$disconnect();
}
