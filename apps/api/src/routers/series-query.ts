import { sql, type SQL } from 'drizzle-orm';
import { type Database } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { type SeriesSpec } from '../db/series.js';
import { coarsestForStep, rolledUntil, sourcePieces } from '../db/sources.js';
import { unionPieces } from './topology.js';

export interface StepQuery {
  spec: SeriesSpec;
  /** a condition on the series' key columns */
  where: SQL;
  sums: readonly string[];
  maxes?: readonly string[];
  histogram?: boolean;
  /** a key column to keep apart within each step (the drop reason): one row per step and value */
  by?: string;
  from: number;
  to: number;
  stepMs: number;
}

export interface StepRow {
  ts: number;
  /** the `by` column's value; null without `by` */
  key: string | null;
  values: Record<string, number>;
  histogram: number[] | null;
}

/**
 * Per-step sums (and maxes, and the summed histogram) of one entity's series, reading each part of
 * the window from the coarsest table that the step allows. Steps without rows are absent.
 */
export async function loadSteps(db: Database, q: StepQuery): Promise<StepRow[]> {
  const maxes = q.maxes ?? [];
  if (q.by !== undefined && !q.spec.keys.includes(q.by)) throw new Error(`${q.by} is not a key of ${q.spec.raw}`);
  const by = q.by ? [q.by] : [];
  const columns = [...by, ...q.sums, ...maxes, ...(q.histogram && q.spec.histogram ? [q.spec.histogram] : [])];
  const pieces = unionPieces(sourcePieces(q.spec, q.from, q.to, await rolledUntil(db), coarsestForStep(q.stepMs)), (table, a, b) =>
    sql`select bucket_start, ${sql.raw(columns.join(', '))} from ${table}
        where ${q.where} and bucket_start >= ${a.toISOString()}::timestamptz and bucket_start < ${b.toISOString()}::timestamptz`,
  );
  const aggregates = [
    ...q.sums.map((c) => `sum(${c})::float8 as ${c}`),
    ...maxes.map((c) => `max(${c})::float8 as ${c}`),
    ...(q.histogram && q.spec.histogram ? [`kinsight_histogram_sum(${q.spec.histogram}) as histogram`] : []),
  ];
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`select (floor(extract(epoch from bucket_start) * 1000 / ${q.stepMs}::bigint) * ${q.stepMs}::bigint)::float8 as ts,
          ${sql.raw(q.by ? `${q.by}::text as key` : 'null::text as key')}, ${sql.raw(aggregates.join(', '))}
        from (${pieces}) w group by 1, 2 order by 1, 2`,
  );
  return rows.map((row) => ({
    ts: Number(row['ts']),
    key: typeof row['key'] === 'string' ? row['key'] : null,
    values: Object.fromEntries([...q.sums, ...maxes].map((c) => [c, Number(row[c] ?? 0)])),
    histogram: Array.isArray(row['histogram']) ? (row['histogram'] as unknown[]).map(Number) : null,
  }));
}

/** Every step of the window, aligned to the step, with `empty` where no row exists. */
export function denseSteps<T>(from: number, to: number, stepMs: number, rows: StepRow[], point: (ts: number, row: StepRow | null) => T): T[] {
  const byTs = new Map(rows.map((row) => [row.ts, row]));
  const points: T[] = [];
  for (let ts = Math.floor(from / stepMs) * stepMs; ts < to; ts += stepMs) points.push(point(ts, byTs.get(ts) ?? null));
  return points;
}
