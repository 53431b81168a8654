import { type TRPCRouterRecord } from '@trpc/server';
import { buildTopology, type EdgeSample, type NodeRef, type StatusClass } from '@kinsight/topology';
import { and, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Database } from '../db/client.js';
import { edgeSamples } from '../db/schema.js';
import { publicProcedure } from '../trpc.js';
import { refineWindow, timeWindow } from './window.js';

/** Rebuilds a NodeRef from a stored (kind, name) pair; the CHECK constraint allows only these kinds. */
export function storedNodeRef(kind: string, name: string): NodeRef {
  return kind === 'external' ? { kind: 'external', address: name } : { kind: 'service', name };
}

/** Sums the window in SQL: one row per client, server, protocol and status class. */
export async function loadEdgeSamples(db: Database, from: number, to: number): Promise<EdgeSample[]> {
  const s = edgeSamples;
  const rows = await db
    .select({
      clientKind: s.clientKind,
      clientName: s.clientName,
      serverKind: s.serverKind,
      serverName: s.serverName,
      protocol: s.protocol,
      statusClass: s.statusClass,
      // sum(integer) is bigint, which drivers hand back as strings or bigints.
      requests: sql<number>`sum(${s.requests})`.mapWith(Number),
      errors: sql<number>`sum(${s.errors})`.mapWith(Number),
      latencySumMs: sql<number>`sum(${s.latencySumMs})`.mapWith(Number),
    })
    .from(s)
    .where(and(gte(s.bucketStart, new Date(from)), lt(s.bucketStart, new Date(to))))
    .groupBy(s.clientKind, s.clientName, s.serverKind, s.serverName, s.protocol, s.statusClass);
  return rows.map((row) => ({
    client: storedNodeRef(row.clientKind, row.clientName),
    server: storedNodeRef(row.serverKind, row.serverName),
    protocol: row.protocol,
    // Only validated status classes are ever stored (ingest-schema.ts).
    statusClass: row.statusClass as StatusClass,
    requests: row.requests,
    errors: row.errors,
    latencySumMs: row.latencySumMs,
  }));
}

export const topologyRouter = {
  get: publicProcedure
    .input(refineWindow(z.object(timeWindow)))
    .query(async ({ ctx, input }) => {
      const samples = await loadEdgeSamples(ctx.db, input.from, input.to);
      return buildTopology({ from: input.from, to: input.to, samples });
    }),
} satisfies TRPCRouterRecord;
