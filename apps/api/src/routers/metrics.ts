import { goldenMetrics, parseNodeId, type NodeRef } from '@kinsight/topology';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Database } from '../db/client.js';
import { edgeSamples } from '../db/schema.js';
import { publicProcedure } from '../trpc.js';
import { refineWindow, timeWindow, whenValid } from './window.js';

/** Steps a chart may use; auto picks the smallest that keeps a window under MAX_AUTO_POINTS. */
const AUTO_STEPS_SECONDS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];
const MAX_AUTO_POINTS = 360;
/** Hard cap for explicit steps: 7 days at one minute. */
export const MAX_POINTS = 10_080;

export function autoStepSeconds(windowMs: number): number {
  const fits = AUTO_STEPS_SECONDS.find((step) => windowMs / (step * 1000) <= MAX_AUTO_POINTS);
  return fits ?? 86_400;
}

const nodeIdString = z.string().min(1).max(300).refine((id) => parseNodeId(id) !== null, {
  error: 'must be a node id: service:<name> or external:<address>',
});

export const edgeMetricsInput = refineWindow(
  z.object({
    source: nodeIdString,
    target: nodeIdString,
    ...timeWindow,
    // Buckets are 10 s; a step that splits one would misplace its traffic.
    stepSeconds: z.number().int().min(10).multipleOf(10, { error: 'must be a multiple of 10' }).optional(),
  }),
).refine((q) => q.stepSeconds === undefined || (q.to - q.from) / (q.stepSeconds * 1000) <= MAX_POINTS, {
  error: `too many points: pick a step that gives at most ${MAX_POINTS} over the window`,
  path: ['stepSeconds'],
  ...whenValid,
});

export interface EdgeMetricsPoint {
  /** start of the step, epoch ms, aligned to a multiple of the step */
  ts: number;
  requests: number;
  requestRate: number;
  errors: number;
  errorRate: number;
  meanLatencyMs: number | null;
}

const nodeName = (ref: NodeRef): string => (ref.kind === 'service' ? ref.name : ref.address);

/** Sums one edge per step in SQL; steps with no samples are absent. */
async function loadEdgeSteps(db: Database, client: NodeRef, server: NodeRef, from: number, to: number, stepMs: number) {
  const s = edgeSamples;
  return db
    .select({
      ts: sql<number>`(floor(extract(epoch from ${s.bucketStart}) * 1000 / ${stepMs}::bigint) * ${stepMs}::bigint)::bigint`.mapWith(Number),
      requests: sql<number>`sum(${s.requests})`.mapWith(Number),
      errors: sql<number>`sum(${s.errors})`.mapWith(Number),
      latencySumMs: sql<number>`sum(${s.latencySumMs})`.mapWith(Number),
    })
    .from(s)
    .where(
      and(
        eq(s.clientKind, client.kind),
        eq(s.clientName, nodeName(client)),
        eq(s.serverKind, server.kind),
        eq(s.serverName, nodeName(server)),
        gte(s.bucketStart, new Date(from)),
        lt(s.bucketStart, new Date(to)),
      ),
    )
    // By position: the ts expression carries bind parameters, so repeating it would not match.
    .groupBy(sql`1`)
    .orderBy(sql`1`);
}

export const metricsRouter = {
  edge: publicProcedure.input(edgeMetricsInput).query(async ({ ctx, input }) => {
    // The refinement above guarantees both parse.
    const client = parseNodeId(input.source);
    const server = parseNodeId(input.target);
    if (!client || !server) throw new TRPCError({ code: 'BAD_REQUEST', message: 'source and target must be node ids' });
    const stepSeconds = input.stepSeconds ?? autoStepSeconds(input.to - input.from);
    const stepMs = stepSeconds * 1000;
    const rows = await loadEdgeSteps(ctx.db, client, server, input.from, input.to, stepMs);
    if (rows.length === 0) {
      throw new TRPCError({
        code: 'NOT_FOUND',
        message: `edge ${input.source} → ${input.target} has no data in the window`,
      });
    }
    // Dense series: charts need the empty steps as zeros, not gaps that join neighbours.
    const byTs = new Map(rows.map((row) => [row.ts, row]));
    const points: EdgeMetricsPoint[] = [];
    for (let ts = Math.floor(input.from / stepMs) * stepMs; ts < input.to; ts += stepMs) {
      const row = byTs.get(ts) ?? { requests: 0, errors: 0, latencySumMs: 0 };
      const { requests, requestRate, errors, errorRate, meanLatencyMs } = goldenMetrics(row, stepSeconds);
      points.push({ ts, requests, requestRate, errors, errorRate, meanLatencyMs });
    }
    return { stepSeconds, points };
  }),
} satisfies TRPCRouterRecord;
