import { RESOLUTION_MS, RESOLUTIONS, tableAt, type Resolution, type SeriesSpec } from './series.js';

import { sql } from 'drizzle-orm';
import { type Database } from './client.js';
import { rowsOf } from './rows.js';
import { maintenanceState } from './schema.js';

/** A batch read before a rollup run may commit just after it: trust rollups only up to this long before the run. */
export const ROLLUP_COMMIT_MARGIN_MS = 60_000;

/**
 * Up to where the rollups hold every batch received so far: the last rollup run (less a margin),
 * but never past the earliest bucket of a batch received after that run (a drained spool brings
 * old buckets: they are read raw until the next run rolls them up). 0 before the first run: then
 * everything is read raw. Raw rows are always right; rollups are only faster.
 */
export async function rolledUntil(db: Database): Promise<number> {
  const [state] = await db
    .select({ updatedAt: maintenanceState.updatedAt, watermark: maintenanceState.watermark })
    .from(maintenanceState)
    .where(sql`${maintenanceState.job} = 'rollup'`);
  if (!state) return 0;
  const [dirty] = await rowsOf<{ earliest: string | Date | null }>(
    db,
    sql`select min(min_bucket_start) as earliest from ingest_batches where received_at > ${state.watermark.toISOString()}::timestamptz`,
  );
  const ran = state.updatedAt.getTime() - ROLLUP_COMMIT_MARGIN_MS;
  return dirty?.earliest ? Math.min(ran, new Date(dirty.earliest).getTime()) : ran;
}

export interface SourcePiece {
  table: string;
  resolution: Resolution;
  from: number;
  to: number;
  /**
   * What to read the piece from with the raw table's column names: the raw table itself, or the
   * rollup joined to its dictionary (rollup rows carry a series id instead of the key columns).
   */
  source: string;
}

/** `edge_samples_1m join edge_series on …`: a rollup with its key columns back, for filters on them. */
export function sourceOf(spec: SeriesSpec, resolution: Resolution): string {
  const table = tableAt(spec, resolution);
  return resolution === '10s' ? table : `${table} join ${spec.dictionary} on ${spec.dictionary}.id = ${table}.series_id`;
}

/**
 * Splits [from, to) into pieces each read from the coarsest table that answers it exactly: whole
 * hours from `<raw>_1h`, whole ten minutes from `<raw>_10m`, whole minutes from `<raw>_1m`, the
 * ragged edges and everything after `rolledUntilMs` (see rolledUntil) from the raw table.
 * `coarsest` caps the resolution when a query needs a finer step (a 1-minute chart must not read
 * ten-minute sums). Adjacent pieces of one table are merged: one scan each.
 */
export function sourcePieces(spec: SeriesSpec, from: number, to: number, rolledUntilMs: number, coarsest: Resolution = '1h'): SourcePiece[] {
  const pieces: SourcePiece[] = [];
  const rolledUntil = Math.max(from, Math.min(to, rolledUntilMs));
  const push = (resolution: Resolution, start: number, end: number) =>
    pieces.push({ table: tableAt(spec, resolution), resolution, from: start, to: end, source: sourceOf(spec, resolution) });
  const split = (start: number, end: number, resolutions: readonly Resolution[]): void => {
    if (start >= end) return;
    const [resolution, ...finer] = resolutions;
    if (!resolution || resolution === '10s') {
      push('10s', start, end);
      return;
    }
    const size = RESOLUTION_MS[resolution];
    const alignedStart = Math.ceil(start / size) * size;
    const alignedEnd = Math.floor(end / size) * size;
    if (alignedStart >= alignedEnd) {
      split(start, end, finer);
      return;
    }
    split(start, alignedStart, finer);
    push(resolution, alignedStart, alignedEnd);
    split(alignedEnd, end, finer);
  };
  // Coarsest first: ['1h', '10m', '1m', '10s'] for the default.
  const ladder = RESOLUTIONS.slice(0, RESOLUTIONS.indexOf(coarsest) + 1).reverse();
  split(from, rolledUntil, ladder);
  if (rolledUntil < to) push('10s', rolledUntil, to);
  pieces.sort((a, b) => a.from - b.from);
  const merged: SourcePiece[] = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last && last.table === piece.table && last.to === piece.from) last.to = piece.to;
    else merged.push({ ...piece });
  }
  return merged;
}

/** The coarsest rollup a chart step can read without splitting its buckets. */
export function coarsestForStep(stepMs: number): Resolution {
  const fits = [...RESOLUTIONS].reverse().find((resolution) => stepMs % RESOLUTION_MS[resolution] === 0);
  return fits ?? '10s';
}
