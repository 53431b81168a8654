import { sql } from 'drizzle-orm';
import { type Database } from './client.js';
import { rowsOf } from './rows.js';
import { maintenanceState } from './schema.js';
import { SERIES, tableAt, type SeriesSpec } from './series.js';

const HOUR_MS = 3_600_000;
/**
 * A batch's received_at is read before its transaction commits, so one can become visible with a
 * received_at just below the last watermark. Looking back this far catches it; recomputing a
 * range twice is harmless because each run replaces the range.
 */
const WATERMARK_OVERLAP_MS = 5 * 60_000;
const ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;

/** Replaces `into` over [from, to) with the per-`bin` sums of `source`. */
function rollupStatements(spec: SeriesSpec, source: string, into: string, bin: string, from: number, to: number): string[] {
  const keys = spec.keys.join(', ');
  const columns = [...spec.keys, ...spec.sums, ...spec.maxes, ...(spec.histogram ? [spec.histogram] : [])];
  const aggregates = [
    ...spec.keys,
    ...spec.sums.map((c) => `sum(${c})`),
    ...spec.maxes.map((c) => `max(${c})`),
    ...(spec.histogram ? [`kinsight_histogram_sum(${spec.histogram})`] : []),
  ];
  const range = `bucket_start >= ${iso(from)} AND bucket_start < ${iso(to)}`;
  return [
    `DELETE FROM ${into} WHERE ${range}`,
    `INSERT INTO ${into} (bucket_start, ${columns.join(', ')}) ` +
      `SELECT date_bin('${bin}', bucket_start, ${ORIGIN}), ${aggregates.join(', ')} FROM ${source} WHERE ${range} GROUP BY 1, ${keys}`,
  ];
}

/** Recomputes the 1-minute rollups from raw rows and the 1-hour ones from those, over whole hours. */
export async function rollUpRange(db: Database, fromMs: number, toMs: number): Promise<void> {
  const from = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(toMs / HOUR_MS) * HOUR_MS;
  await db.transaction(async (tx) => {
    for (const spec of SERIES) {
      const statements = [
        ...rollupStatements(spec, tableAt(spec, '10s'), tableAt(spec, '1m'), '1 minute', from, to),
        ...rollupStatements(spec, tableAt(spec, '1m'), tableAt(spec, '1h'), '1 hour', from, to),
      ];
      for (const statement of statements) await tx.execute(sql.raw(statement));
    }
  });
}

export interface RollupRun {
  /** the range recomputed, or null when no batch arrived since the last run */
  range: { from: number; to: number } | null;
  watermark: number;
}

/**
 * The rollup job: finds the earliest bucket any batch received since the last run touched and
 * recomputes from that hour up to the end of the hour holding `now` (plus the 5 minutes agents'
 * clocks may run ahead). Late batches (a spool drained after an outage) are therefore rolled up too.
 */
export async function rollUpNewBatches(db: Database, nowMs: number): Promise<RollupRun> {
  const [state] = await db
    .select({ watermark: maintenanceState.watermark })
    .from(maintenanceState)
    .where(sql`${maintenanceState.job} = 'rollup'`);
  const since = state ? state.watermark.getTime() - WATERMARK_OVERLAP_MS : 0;
  const [pending] = await rowsOf<{ earliest: string | Date | null; latest: string | Date | null }>(
    db,
    sql`select min(min_bucket_start) as earliest, max(received_at) as latest from ingest_batches where received_at > ${new Date(since).toISOString()}::timestamptz`,
  );
  const watermark = pending?.latest ? new Date(pending.latest).getTime() : (state?.watermark.getTime() ?? 0);
  let range: RollupRun['range'] = null;
  if (pending?.earliest) {
    range = { from: new Date(pending.earliest).getTime(), to: nowMs + 5 * 60_000 };
    await rollUpRange(db, range.from, range.to);
  }
  await db
    .insert(maintenanceState)
    .values({ job: 'rollup', watermark: new Date(watermark), updatedAt: new Date(nowMs) })
    .onConflictDoUpdate({ target: maintenanceState.job, set: { watermark: new Date(watermark), updatedAt: new Date(nowMs) } });
  return { range, watermark };
}
