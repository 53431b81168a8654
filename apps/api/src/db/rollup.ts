import { sql } from 'drizzle-orm';
import { type Database } from './client.js';
import { rowsOf } from './rows.js';
import { maintenanceState } from './schema.js';
import { RESOLUTIONS, SERIES, tableAt, type Resolution, type SeriesSpec } from './series.js';

const HOUR_MS = 3_600_000;
/**
 * A batch's received_at is read before its transaction commits, so one can become visible with a
 * received_at just below the last watermark. Looking back this far catches it; recomputing a
 * range twice is harmless because each run replaces the range.
 */
const WATERMARK_OVERLAP_MS = 5 * 60_000;
const ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;

function aggregatesOf(spec: SeriesSpec): { columns: string[]; aggregates: string[] } {
  return {
    columns: [...spec.sums, ...spec.maxes, ...(spec.histogram ? [spec.histogram] : [])],
    aggregates: [
      ...spec.sums.map((c) => `sum(${c})`),
      ...spec.maxes.map((c) => `max(${c})`),
      ...(spec.histogram ? [`kinsight_histogram_sum(${spec.histogram})`] : []),
    ],
  };
}

/**
 * Replaces `<raw>_1m` over [from, to) with per-minute sums of the raw rows: sums keyed by the text
 * key columns go to a temporary table, key tuples not yet in the dictionary get their id, and the
 * rollup rows are written with that id.
 */
function minuteStatements(spec: SeriesSpec, from: number, to: number): string[] {
  const keys = spec.keys.join(', ');
  const { columns, aggregates } = aggregatesOf(spec);
  const range = `bucket_start >= ${iso(from)} AND bucket_start < ${iso(to)}`;
  const staged = `rollup_${spec.raw}`;
  return [
    `CREATE TEMPORARY TABLE ${staged} ON COMMIT DROP AS ` +
      `SELECT date_bin('1 minute', bucket_start, ${ORIGIN}) AS bucket_start, ${keys}, ${aggregates.map((a, i) => `${a} AS ${columns[i] ?? a}`).join(', ')} ` +
      `FROM ${spec.raw} WHERE ${range} GROUP BY 1, ${keys}`,
    `INSERT INTO ${spec.dictionary} (${keys}) SELECT DISTINCT ${keys} FROM ${staged} ON CONFLICT DO NOTHING`,
    `DELETE FROM ${tableAt(spec, '1m')} WHERE ${range}`,
    `INSERT INTO ${tableAt(spec, '1m')} (bucket_start, series_id, ${columns.join(', ')}) ` +
      `SELECT s.bucket_start, d.id, ${columns.map((c) => `s.${c}`).join(', ')} FROM ${staged} s JOIN ${spec.dictionary} d ON ` +
      spec.keys.map((k) => `d.${k} = s.${k}`).join(' AND ') +
      // Written in time order, a bucket's rows share pages: a window then reads a few pages, not
      // a few rows from every page of the hour (hash grouping emits buckets in no order).
      ' ORDER BY 1',
    `DROP TABLE ${staged}`,
  ];
}

/** Replaces the coarser rollup `into` over [from, to) with the per-`bin` sums of the finer rollup `source`, series by series. */
function coarserStatements(spec: SeriesSpec, source: string, into: string, bin: string, from: number, to: number): string[] {
  const { columns, aggregates } = aggregatesOf(spec);
  const range = `bucket_start >= ${iso(from)} AND bucket_start < ${iso(to)}`;
  return [
    `DELETE FROM ${into} WHERE ${range}`,
    `INSERT INTO ${into} (bucket_start, series_id, ${columns.join(', ')}) ` +
      `SELECT date_bin('${bin}', bucket_start, ${ORIGIN}), series_id, ${aggregates.join(', ')} FROM ${source} WHERE ${range} GROUP BY 1, series_id ORDER BY 1`,
  ];
}

const BIN: Record<Exclude<Resolution, '10s'>, string> = { '1m': '1 minute', '10m': '10 minutes', '1h': '1 hour' };

/**
 * Recomputes each rollup level from the level below it (raw → 1 min → 10 min → 1 h) over whole
 * hours: every level divides an hour, so each one is rebuilt from a finished finer level.
 */
export async function rollUpRange(db: Database, fromMs: number, toMs: number): Promise<void> {
  const from = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(toMs / HOUR_MS) * HOUR_MS;
  await db.transaction(async (tx) => {
    for (const spec of SERIES) {
      const statements = minuteStatements(spec, from, to);
      for (let level = 2; level < RESOLUTIONS.length; level++) {
        const finer = RESOLUTIONS[level - 1];
        const coarser = RESOLUTIONS[level];
        if (!finer || !coarser || coarser === '10s') continue;
        statements.push(...coarserStatements(spec, tableAt(spec, finer), tableAt(spec, coarser), BIN[coarser], from, to));
      }
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
