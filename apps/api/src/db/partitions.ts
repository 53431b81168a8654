import { sql } from 'drizzle-orm';
import { type Database } from './client.js';
import { RESOLUTIONS, SERIES_TABLES, type Resolution } from './series.js';
import { rowsOf } from './rows.js';

const DAY_MS = 86_400_000;

/** `edge_samples_p20250101` covers [2025-01-01, 2025-01-02) UTC. */
export function partitionName(table: string, dayStartMs: number): string {
  return `${table}_p${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function dayOf(name: string): number | null {
  const match = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;

/**
 * Creates the daily partitions of every series table for the `days` days starting at the day of
 * `fromMs` (the maintenance job runs it for today and two days ahead). Rows that already landed in
 * the DEFAULT partition for a new day move into it in the same transaction. Returns what it created.
 */
export async function ensureDailyPartitions(db: Database, fromMs: number, days: number): Promise<string[]> {
  const firstDay = Math.floor(fromMs / DAY_MS) * DAY_MS;
  const created: string[] = [];
  for (let day = firstDay; day < firstDay + days * DAY_MS; day += DAY_MS) {
    for (const { table } of SERIES_TABLES) {
      const name = partitionName(table, day);
      const [exists] = await rowsOf<{ oid: string | null }>(db, sql`select to_regclass(${`public.${name}`})::text as oid`);
      if (exists?.oid) continue;
      // Names come from the fixed table list and a date: safe to splice into DDL.
      await db.transaction(async (tx) => {
        // Ingest waits while the rows move, so none lands in the default between the move and the attach.
        await tx.execute(sql.raw(`LOCK TABLE ${table}_default IN SHARE ROW EXCLUSIVE MODE`));
        await tx.execute(sql.raw(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`));
        await tx.execute(
          sql.raw(
            `WITH moved AS (DELETE FROM ${table}_default WHERE bucket_start >= ${iso(day)} AND bucket_start < ${iso(day + DAY_MS)} RETURNING *) ` +
              `INSERT INTO ${name} SELECT * FROM moved`,
          ),
        );
        await tx.execute(sql.raw(`ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES FROM (${iso(day)}) TO (${iso(day + DAY_MS)})`));
      });
      created.push(name);
    }
  }
  return created;
}

/** Days of data kept per configured resolution: raw buckets go first, hourly rollups last. */
export type RetentionDays = Record<Exclude<Resolution, '10m'>, number>;

export const DEFAULT_RETENTION_DAYS: RetentionDays = { '10s': 7, '1m': 30, '1h': 400 };

/** Ten-minute rollups only speed up windows the minute rollups also answer: they go with them. */
export function retentionOf(resolution: Resolution, retention: RetentionDays): number {
  return resolution === '10m' ? retention['1m'] : retention[resolution];
}

/**
 * Drops every daily partition that ends at or before `now - retention` for its resolution, and
 * deletes what the DEFAULT partitions hold from before that cutoff. Returns the dropped partitions.
 */
export async function dropExpiredPartitions(db: Database, nowMs: number, retention: RetentionDays): Promise<string[]> {
  const partitions = await rowsOf<{ name: string; parent: string }>(
    db,
    sql`select c.relname as name, p.relname as parent from pg_inherits i
        join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname in ${SERIES_TABLES.map((t) => t.table)} order by 1`,
  );
  const resolutionOf = new Map(SERIES_TABLES.map((t) => [t.table, t.resolution]));
  const dropped: string[] = [];
  for (const { name, parent } of partitions) {
    const day = dayOf(name);
    const resolution = resolutionOf.get(parent);
    if (day === null || !resolution) continue;
    if (day + DAY_MS <= nowMs - retentionOf(resolution, retention) * DAY_MS) {
      await db.execute(sql.raw(`DROP TABLE ${name}`));
      dropped.push(name);
    }
  }
  for (const resolution of RESOLUTIONS) {
    const cutoff = nowMs - retentionOf(resolution, retention) * DAY_MS;
    for (const { table } of SERIES_TABLES.filter((t) => t.resolution === resolution)) {
      await db.execute(sql.raw(`DELETE FROM ${table}_default WHERE bucket_start < ${iso(cutoff)}`));
    }
  }
  return dropped;
}
