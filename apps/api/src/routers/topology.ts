import { type TRPCRouterRecord } from '@trpc/server';
import { buildTopology, type EdgeSample, type NodeRef, type StatusClass } from '@kinsight/topology';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Database } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { SERIES } from '../db/series.js';
import { rolledUntil, sourcePieces } from '../db/sources.js';
import { viewerProcedure } from '../trpc.js';
import { refineWindow, timeWindow } from './window.js';

/** Rebuilds a NodeRef from a stored (kind, name) pair; the CHECK constraint allows only these kinds. */
export function storedNodeRef(kind: string, name: string): NodeRef {
  return kind === 'external' ? { kind: 'external', address: name } : { kind: 'service', name };
}

const EDGE_RED = SERIES[0];
if (!EDGE_RED || EDGE_RED.raw !== 'edge_samples') throw new Error('series list must start with edge_samples');

/** `union all` of the same select over each piece of the window. */
export function unionPieces(pieces: { table: string; from: number; to: number }[], select: (table: SQL, from: Date, to: Date) => SQL): SQL {
  return sql.join(
    pieces.map((p) => sql`(${select(sql.raw(p.table), new Date(p.from), new Date(p.to))})`),
    sql` union all `,
  );
}

/** Sums the window in SQL, reading rollups where they answer exactly: one row per edge and status class. */
export async function loadEdgeSamples(db: Database, from: number, to: number): Promise<EdgeSample[]> {
  if (!EDGE_RED) return [];
  // Each piece sums on its own (in parallel workers where the planner likes), the outer query adds ≤ 3 partial sums.
  const pieces = unionPieces(sourcePieces(EDGE_RED, from, to, await rolledUntil(db)), (table, a, b) =>
    sql`select client_kind, client_name, server_kind, server_name, protocol, status_class,
          sum(requests) as requests, sum(errors) as errors, sum(latency_sum_ms) as latency_sum_ms
        from ${table} where bucket_start >= ${a.toISOString()}::timestamptz and bucket_start < ${b.toISOString()}::timestamptz
        group by 1, 2, 3, 4, 5, 6`,
  );
  type Row = {
    client_kind: string; client_name: string; server_kind: string; server_name: string; protocol: string; status_class: string;
    requests: string | number; errors: string | number; latency_sum_ms: string | number;
  };
  const rows = await db.transaction(async (tx) => {
    // An hour of 5,000 edges is ~300k rollup rows: let the grouping hash in memory instead of sorting on disk.
    await tx.execute(sql`set local work_mem = '128MB'`);
    return rowsOf<Row>(
      tx,
      sql`select client_kind, client_name, server_kind, server_name, protocol, status_class,
            sum(requests)::float8 as requests, sum(errors)::float8 as errors, sum(latency_sum_ms) as latency_sum_ms
          from (${pieces}) w group by 1, 2, 3, 4, 5, 6`,
    );
  });
  return rows.map((row) => ({
    client: storedNodeRef(row.client_kind, row.client_name),
    server: storedNodeRef(row.server_kind, row.server_name),
    protocol: row.protocol,
    // Only validated status classes are ever stored (ingest-schema.ts).
    statusClass: row.status_class as StatusClass,
    requests: Number(row.requests),
    errors: Number(row.errors),
    latencySumMs: Number(row.latency_sum_ms),
  }));
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
