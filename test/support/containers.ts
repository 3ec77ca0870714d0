import { vi } from "vitest";

// Lambda containers, as the db tests make them: fresh instances of the modules a test loads, so
// each has its own Prisma client and connection, as two containers of one function would.

const opened: (() => Promise<void>)[] = [];

/**
 * The modules `load` imports, as a new container has them (vi.resetModules first), whose
 * database connection closeContainers() closes. Environment the modules read when they load or
 * first connect (DATABASE_URL) must be set before.
 */
export async function newContainerWith<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  const modules = await load();
  // The instance `load`'s modules use: the registry was emptied before them, not since.
  const { disconnectPrisma } = await import("../../lib/db/client.ts");
  opened.push(disconnectPrisma);
  return modules;
}

/** Closes the connection of every container made so far; for afterAll. */
export async function closeContainers(): Promise<void> {
  await Promise.all(opened.splice(0).map((disconnect) => disconnect()));
}
