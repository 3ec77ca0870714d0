import mysql from "mysql2/promise";
import { parseDatabaseUrl } from "../../lib/db/database-url.ts";

// SQL per request, from the server's own counters (SHOW GLOBAL STATUS) around a batch of calls:
// whatever the ORM and the driver send counts, including what no log of ours shows. The counters
// are global, so the server should be otherwise idle; the two readings' own cost is measured on
// an empty batch and taken off.

const COUNTERS = {
  roundTrips: "Questions",
  select: "Com_select",
  insert: "Com_insert",
  insertSelect: "Com_insert_select",
  update: "Com_update",
  delete: "Com_delete",
  begin: "Com_begin",
  commit: "Com_commit",
  rollback: "Com_rollback",
} as const;

export type SqlCounts = Record<keyof typeof COUNTERS, number>;

type Reading = Record<string, number>;

export class SqlCounter {
  private constructor(private readonly connection: mysql.Connection) {}

  static async open(databaseUrl: string): Promise<SqlCounter> {
    const { host, port, user, password } = parseDatabaseUrl(databaseUrl);
    return new SqlCounter(await mysql.createConnection({ host, port, user, password }));
  }

  private async read(): Promise<Reading> {
    const [rows] = await this.connection.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS WHERE Variable_name IN (?)", [Object.values(COUNTERS)]);
    return Object.fromEntries(rows.map((row) => [String(row.Variable_name), Number(row.Value)]));
  }

  private async delta(work: () => Promise<void>): Promise<Reading> {
    const before = await this.read();
    await work();
    const after = await this.read();
    return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - (before[name] ?? 0)]));
  }

  /** The statements one call of `call` costs, averaged over `batch` calls made one after another. */
  async perCall(batch: number, call: (index: number) => Promise<void>): Promise<SqlCounts> {
    const idle = await this.delta(async () => {});
    const busy = await this.delta(async () => {
      for (let index = 0; index < batch; index++) await call(index);
    });
    return Object.fromEntries(
      Object.entries(COUNTERS).map(([key, counter]) => [key, ((busy[counter] ?? 0) - (idle[counter] ?? 0)) / batch]),
    ) as SqlCounts;
  }

  close(): Promise<void> {
    return this.connection.end();
  }
}

/** `2 SELECT + 1 INSERT`: the statements of one call, in words. */
export function describeStatements(counts: SqlCounts): string {
  const words = { select: "SELECT", insert: "INSERT", insertSelect: "INSERT…SELECT", update: "UPDATE", delete: "DELETE", begin: "BEGIN", commit: "COMMIT", rollback: "ROLLBACK" } as const;
  const parts = (Object.keys(words) as (keyof typeof words)[])
    .filter((kind) => counts[kind] > 0)
    .map((kind) => `${Number(counts[kind].toFixed(2))} ${words[kind]}`);
  return parts.length ? parts.join(" + ") : "none";
}
