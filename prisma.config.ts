import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL } from "./scripts/load-env.ts";

// Read process.env with a default rather than prisma's env(): env() throws when the variable is
// unset, which would break `prisma generate` during `npm ci` on a fresh clone.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL },
});
