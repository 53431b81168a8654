import { type TRPCRouterRecord } from '@trpc/server';
import { buildTopology, STATUS_CLASSES, type EdgeSample, type NodeRef, type StatusClass } from '@kinsight/topology';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Database } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { SERIES } from '../db/series.js';
import { rolledUntil, sourcePieces, type SourcePiece } from '../db/sources.js';
import { viewerProcedure } from '../trpc.js';
import { refineWindow, timeWindow } from './window.js';

/** Rebuilds a NodeRef from a stored (kind, name) pair; the CHECK constraint allows only these kinds. */
export function storedNodeRef(kind: string, name: string): NodeRef {
  return kind === 'external' ? { kind: 'external', address: name } : { kind: 'service', name };
}

const EDGE_RED = SERIES[0];
if (!EDGE_RED || EDGE_RED.raw !== 'edge_samples') throw new Error('series list must start with edge_samples');

/**
 * `union all` of the same select over each piece of the window; `source` is what to select from
 * with the raw table's column names (see SourcePiece.source).
 */
export function unionPieces(pieces: SourcePiece[], select: (source: SQL, from: Date, to: Date, piece: SourcePiece) => SQL): SQL {
  return sql.join(
    pieces.map((p) => sql`(${select(sql.raw(p.source), new Date(p.from), new Date(p.to), p)})`),
    sql` union all `,
  );
}

const EDGE_KEYS = 'client_kind, client_name, server_kind, server_name, protocol';
const TOPOLOGY_KEYS = `${EDGE_KEYS}, status_class`;

/**
 * Sums the window in SQL, reading rollups where they answer exactly: one row per edge, with the
 * requests of each status class. Rollup pieces are summed per integer series id first and joined to the dictionary once
 * (the bulk of an hour's rows never hashes a string); raw pieces, at most the ragged minutes,
 * group by their text keys; the outer query adds the partial sums.
 */
export async function loadEdgeSamples(db: Database, from: number, to: number): Promise<EdgeSample[]> {
  if (!EDGE_RED) return [];
  const pieces = sourcePieces(EDGE_RED, from, to, await rolledUntil(db));
  const range = (p: SourcePiece) =>
    sql`bucket_start >= ${new Date(p.from).toISOString()}::timestamptz and bucket_start < ${new Date(p.to).toISOString()}::timestamptz`;
  const parts: SQL[] = [];
  const rolled = pieces.filter((p) => p.resolution !== '10s');
  if (rolled.length > 0) {
    const rows = sql.join(
      rolled.map((p) => sql`(select series_id, requests, errors, latency_sum_ms from ${sql.raw(p.table)} where ${range(p)})`),
      sql` union all `,
    );
    parts.push(sql`(select ${sql.raw(TOPOLOGY_KEYS.split(', ').map((k) => `d.${k}`).join(', '))}, s.requests, s.errors, s.latency_sum_ms
      from (select series_id, sum(requests) as requests, sum(errors) as errors, sum(latency_sum_ms) as latency_sum_ms
            from (${rows}) r group by series_id) s
      join ${sql.raw(EDGE_RED.dictionary)} d on d.id = s.series_id)`);
  }
  for (const p of pieces.filter((piece) => piece.resolution === '10s')) {
    parts.push(sql`(select ${sql.raw(TOPOLOGY_KEYS)}, sum(requests) as requests, sum(errors) as errors, sum(latency_sum_ms) as latency_sum_ms
      from ${sql.raw(p.table)} where ${range(p)} group by ${sql.raw(TOPOLOGY_KEYS)})`);
  }
  if (parts.length === 0) return [];
  type Row = {
    client_kind: string; client_name: string; server_kind: string; server_name: string; protocol: string;
    requests: number; errors: number; latency_sum_ms: number;
  } & Record<string, number | null>;
  // One row per edge with the requests of each status class in its own column: half the rows (and
  // the objects) a row per class would bring to JS.
  const perClass = STATUS_CLASSES.map((c, i) => `(sum(requests) filter (where status_class = '${c}'))::float8 as c${i}`).join(', ');
  const rows = await db.transaction(async (tx) => {
    // An hour of 5,000 edges is ~100k rollup rows: let the grouping hash in memory instead of sorting
    // on disk, in one process: parallel workers' gather and sort cost more than they save at this size,
    // and under concurrent dashboard requests they only compete for the same cores.
    await tx.execute(sql`set local work_mem = '128MB'`);
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return rowsOf<Row>(
      tx,
      sql`select ${sql.raw(EDGE_KEYS)}, sum(requests)::float8 as requests, sum(errors)::float8 as errors, sum(latency_sum_ms)::float8 as latency_sum_ms,
            ${sql.raw(perClass)}
          from (${sql.join(parts, sql` union all `)}) w group by ${sql.raw(EDGE_KEYS)}`,
    );
  });
  return rows.map((row) => {
    const statusClasses: Partial<Record<StatusClass, number>> = {};
    STATUS_CLASSES.forEach((c, i) => {
      const requests = row[`c${i}`];
      if (requests !== null && requests !== undefined) statusClasses[c] = Number(requests);
    });
    return {
      client: storedNodeRef(row.client_kind, row.client_name),
      server: storedNodeRef(row.server_kind, row.server_name),
      protocol: row.protocol,
      requests: Number(row.requests),
      errors: Number(row.errors),
      latencySumMs: Number(row.latency_sum_ms),
      statusClasses,
    };
  });
}

export const GROUP_BY = ['service', 'workload', 'namespace', 'node'] as const;
type GroupBy = (typeof GROUP_BY)[number];

interface Placement {
  namespace: string;
  workload: string | null;
  node: string;
}

/** Where each service runs, from its most recently seen pod (services are what edges name). */
async function loadPlacements(db: Database): Promise<Map<string, Placement>> {
  const rows = await rowsOf<{ service: string; namespace: string; workload: string | null; node: string }>(
    db,
    sql`select distinct on (service) service, namespace, workload_kind || '/' || workload_name as workload, node_name as node
        from pods where service is not null order by service, last_seen desc`,
  );
  return new Map(rows.map((row) => [row.service, { namespace: row.namespace, workload: row.workload, node: row.node }]));
}

function groupRef(ref: NodeRef, by: GroupBy, placements: Map<string, Placement>): NodeRef {
  if (by === 'service' || ref.kind === 'external') return ref;
  const place = placements.get(ref.name);
  if (!place) return ref;
  if (by === 'namespace') return { kind: 'service', name: `namespace/${place.namespace}` };
  if (by === 'node') return { kind: 'service', name: `node/${place.node}` };
  return { kind: 'service', name: place.workload ? `${place.namespace}/${place.workload}` : ref.name };
}

export const topologyInput = refineWindow(
  z.strictObject({
    ...timeWindow,
    /** keep only edges with an end in this namespace / on this node (as the pods table places services) */
    namespace: z.string().min(1).max(63).optional(),
    node: z.string().min(1).max(253).optional(),
    groupBy: z.enum(GROUP_BY).optional(),
  }),
);

export const topologyRouter = {
  get: viewerProcedure.input(topologyInput).query(async ({ ctx, input }) => {
    let samples = await loadEdgeSamples(ctx.db, input.from, input.to);
    const groupBy = input.groupBy ?? 'service';
    if (input.namespace || input.node || groupBy !== 'service') {
      const placements = await loadPlacements(ctx.db);
      const matches = (ref: NodeRef) => {
        if (ref.kind !== 'service') return false;
        const place = placements.get(ref.name);
        return Boolean(place && (!input.namespace || place.namespace === input.namespace) && (!input.node || place.node === input.node));
      };
      if (input.namespace || input.node) samples = samples.filter((s) => matches(s.client) || matches(s.server));
      samples = samples.map((s) => ({ ...s, client: groupRef(s.client, groupBy, placements), server: groupRef(s.server, groupBy, placements) }));
    }
    return buildTopology({ from: input.from, to: input.to, samples });
  }),
} satisfies TRPCRouterRecord;
