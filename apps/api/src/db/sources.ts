import { RESOLUTION_MS, tableAt, type Resolution, type SeriesSpec } from './series.js';

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
}

/**
 * Splits [from, to) into pieces each read from the coarsest table that answers it exactly: whole
 * hours from `<raw>_1h`, whole minutes from `<raw>_1m`, the ragged edges and everything after
 * `rolledUntilMs` (see rolledUntil) from the raw table. `finest` caps the resolution when a query needs a finer
 * step (a 10 s chart must not read hourly sums).
 */
export function sourcePieces(spec: SeriesSpec, from: number, to: number, rolledUntilMs: number, coarsest: Resolution = '1h'): SourcePiece[] {
  const pieces: SourcePiece[] = [];
  const rolledUntil = Math.max(from, Math.min(to, rolledUntilMs));
  const split = (start: number, end: number, resolutions: Resolution[]): void => {
    if (start >= end) return;
    const [resolution, ...finer] = resolutions;
    if (!resolution || resolution === '10s') {
      pieces.push({ table: tableAt(spec, '10s'), resolution: '10s', from: start, to: end });
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
    pieces.push({ table: tableAt(spec, resolution), resolution, from: alignedStart, to: alignedEnd });
    split(alignedEnd, end, finer);
  };
  const ladder: Resolution[] = coarsest === '1h' ? ['1h', '1m', '10s'] : coarsest === '1m' ? ['1m', '10s'] : ['10s'];
  split(from, rolledUntil, ladder);
  if (rolledUntil < to) pieces.push({ table: tableAt(spec, '10s'), resolution: '10s', from: rolledUntil, to });
  return pieces.sort((a, b) => a.from - b.from);
}

/** The coarsest rollup a chart step can read without splitting its buckets. */
export function coarsestForStep(stepMs: number): Resolution {
  if (stepMs % RESOLUTION_MS['1h'] === 0) return '1h';
  if (stepMs % RESOLUTION_MS['1m'] === 0) return '1m';
  return '10s';
}
