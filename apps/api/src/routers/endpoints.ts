import { latencyQuantileMs, parseNodeId } from '@kinsight/topology';
import { type TRPCRouterRecord } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf } from '../db/rows.js';
import { SERIES } from '../db/series.js';
import { rolledUntil, sourcePieces } from '../db/sources.js';
import { viewerProcedure } from '../trpc.js';
import { unionPieces } from './topology.js';
import { refineWindow, timeWindow } from './window.js';

const ENDPOINTS = SERIES.find((s) => s.raw === 'endpoint_samples');

export const topEndpointsInput = refineWindow(
  z.strictObject({
    ...timeWindow,
    /** only this server's endpoints */
    server: z.string().min(1).max(300).refine((id) => parseNodeId(id) !== null, { error: 'must be a node id: service:<name> or external:<address>' }).optional(),
    by: z.enum(['rate', 'errors', 'latency']).default('rate'),
    limit: z.number().int().min(1).max(100).default(20),
  }),
);

const ORDER = { rate: 'requests desc', errors: 'errors desc, requests desc', latency: 'mean_latency_ms desc nulls last' } as const;

export const endpointsRouter = {
  /** Busiest, most failing or slowest endpoints over the window. */
  top: viewerProcedure.input(topEndpointsInput).query(async ({ ctx, input }) => {
    if (!ENDPOINTS) return { endpoints: [] };
    const server = input.server ? parseNodeId(input.server) : null;
    const serverWhere = server
      ? sql`server_kind = ${server.kind} and server_name = ${server.kind === 'service' ? server.name : server.address}`
      : sql`true`;
    const pieces = unionPieces(sourcePieces(ENDPOINTS, input.from, input.to, await rolledUntil(ctx.db)), (table, a, b) =>
      sql`select server_kind, server_name, protocol, method, route, requests, errors, latency_sum_ms, latency_histogram from ${table}
          where ${serverWhere} and bucket_start >= ${a.toISOString()}::timestamptz and bucket_start < ${b.toISOString()}::timestamptz`,
    );
    const rows = await rowsOf<{
      server_kind: string; server_name: string; protocol: string; method: string; route: string;
      requests: number; errors: number; mean_latency_ms: number | null; histogram: unknown[] | null;
    }>(
      ctx.db,
      sql`select server_kind, server_name, protocol, method, route, sum(requests)::float8 as requests, sum(errors)::float8 as errors,
            (sum(latency_sum_ms) / nullif(sum(requests), 0))::float8 as mean_latency_ms, kinsight_histogram_sum(latency_histogram) as histogram
          from (${pieces}) w group by 1, 2, 3, 4, 5 order by ${sql.raw(ORDER[input.by])}, 1, 2, 4, 5 limit ${input.limit}`,
    );
    const seconds = (input.to - input.from) / 1000;
    return {
      endpoints: rows.map((row) => {
        const requests = Number(row.requests);
        const errors = Number(row.errors);
        const histogram = row.histogram ? row.histogram.map(Number) : null;
        return {
          server: `${row.server_kind}:${row.server_name}`,
          protocol: row.protocol,
          method: row.method,
          route: row.route,
          requests,
          errors,
          requestRate: requests / seconds,
          errorRate: requests > 0 ? errors / requests : 0,
          meanLatencyMs: row.mean_latency_ms === null ? null : Number(row.mean_latency_ms),
          p95Ms: histogram ? latencyQuantileMs(histogram, 0.95) : null,
        };
      }),
    };
  }),
} satisfies TRPCRouterRecord;
