import { getPrisma } from "../../lib/db/client.ts";

// The SQL statements a piece of work sends, as the server counts them: the session status
// (Questions and the Com_* counters) of the container's one connection (a pool of one), read
// before and after. Session counters belong to that connection alone, so test files running at
// the same time do not disturb them, unlike the server's global ones. Prisma's query events would
// not do: they leave out the BEGIN of a transaction.

/** Statements by kind, as the server names them (`select`, `insert_select`, `begin`, …), and `questions`, every statement. */
export type Statements = Record<string, number>;

interface CounterRow {
  connection: bigint;
  name: string;
  value: string;
}

async function sessionCounters(): Promise<{ connection: bigint; counters: Map<string, number> }> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<CounterRow[]>`
    SELECT CONNECTION_ID() AS connection, LOWER(VARIABLE_NAME) AS name, VARIABLE_VALUE AS value
    FROM information_schema.SESSION_STATUS
    WHERE VARIABLE_NAME = 'QUESTIONS' OR (VARIABLE_NAME LIKE 'COM\\_%' AND VARIABLE_NAME NOT LIKE 'COM\\_STMT\\_%')`;
  const connection = rows[0]?.connection;
  if (connection === undefined) throw new Error("the session status is empty");
  return { connection, counters: new Map(rows.map((row) => [row.name.replace(/^com_/, ""), Number(row.value)])) };
}

function difference(before: Map<string, number>, after: Map<string, number>): Statements {
  const moved = [...after].map(([name, value]) => [name, value - (before.get(name) ?? 0)] as const);
  return Object.fromEntries(moved.filter(([, count]) => count !== 0));
}

/** What reading the counters costs by itself: taken off every count. */
let ownCost: Statements | undefined;

async function rawCount(work: () => Promise<unknown>): Promise<Statements> {
  const before = await sessionCounters();
  await work();
  const after = await sessionCounters();
  // A reconnect in between would count another connection's statements (or none).
  if (after.connection !== before.connection) throw new Error("the work ran on another connection: its statements cannot be counted");
  return difference(before.counters, after.counters);
}

/**
 * The statements `work` sent on the container's connection, e.g. `{ questions: 2, select: 1,
 * insert_select: 1 }`. The container must be connected already (a first query costs Prisma's
 * version check on top).
 */
export async function statementsOf(work: () => Promise<unknown>): Promise<Statements> {
  ownCost ??= await rawCount(async () => {});
  const counted = await rawCount(work);
  const names = new Set([...Object.keys(counted), ...Object.keys(ownCost)]);
  const net = [...names].map((name) => [name, (counted[name] ?? 0) - (ownCost?.[name] ?? 0)] as const);
  return Object.fromEntries(net.filter(([, count]) => count !== 0));
}
