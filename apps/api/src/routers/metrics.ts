import { goldenMetrics, latencyQuantileMs, parseNodeId, type NodeRef } from '@kinsight/topology';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { SERIES } from '../db/series.js';
import { viewerProcedure } from '../trpc.js';
import { denseSteps, loadSteps, type StepRow } from './series-query.js';
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

const spec = (raw: string) => {
  const found = SERIES.find((s) => s.raw === raw);
  if (!found) throw new Error(`series ${raw} is not in db/series.ts`);
  return found;
};
const EDGE_RED = spec('edge_samples');
const ENDPOINT_RED = spec('endpoint_samples');
const NETWORK = spec('edge_network_samples');
const DROPS = spec('edge_drop_samples');
const RESOURCES = spec('resource_samples');

const nodeIdString = z.string().min(1).max(300).refine((id) => parseNodeId(id) !== null, {
  error: 'must be a node id: service:<name> or external:<address>',
});

// Buckets are 10 s; a step that splits one would misplace its traffic.
const stepSeconds = z.number().int().min(10).multipleOf(10, { error: 'must be a multiple of 10' }).optional();
const pointsCap = {
  error: `too many points: pick a step that gives at most ${MAX_POINTS} over the window`,
  path: ['stepSeconds'],
  ...whenValid,
};
const fitsCap = (q: { from: number; to: number; stepSeconds?: number | undefined }) =>
  q.stepSeconds === undefined || (q.to - q.from) / (q.stepSeconds * 1000) <= MAX_POINTS;

export const edgeMetricsInput = refineWindow(
  z.object({ source: nodeIdString, target: nodeIdString, ...timeWindow, stepSeconds }),
).refine(fitsCap, pointsCap);

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
const edgeWhere = (client: NodeRef, server: NodeRef) =>
  sql`client_kind = ${client.kind} and client_name = ${nodeName(client)} and server_kind = ${server.kind} and server_name = ${nodeName(server)}`;

const RED_SUMS = ['requests', 'errors', 'latency_sum_ms'] as const;

function redPoint(ts: number, row: StepRow | null, stepSeconds: number) {
  const totals = { requests: row?.values['requests'] ?? 0, errors: row?.values['errors'] ?? 0, latencySumMs: row?.values['latency_sum_ms'] ?? 0 };
  const { requests, requestRate, errors, errorRate, meanLatencyMs } = goldenMetrics(totals, stepSeconds);
  const histogram = row?.histogram ?? null;
  const quantile = (q: number) => (histogram ? latencyQuantileMs(histogram, q) : null);
  return { ts, requests, requestRate, errors, errorRate, meanLatencyMs, p50Ms: quantile(0.5), p95Ms: quantile(0.95), p99Ms: quantile(0.99) };
}

const seriesTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('edge'), source: nodeIdString, target: nodeIdString }),
  z.strictObject({ kind: z.literal('endpoint'), server: nodeIdString, method: z.string().min(1).max(32), route: z.string().min(1).max(256) }),
  /** a topology node: RED of everything it served (all inbound edges) */
  z.strictObject({ kind: z.literal('service'), id: nodeIdString }),
  z.strictObject({ kind: z.literal('node'), name: z.string().min(1).max(253) }),
  z.strictObject({ kind: z.literal('pod'), uid: z.uuid() }),
]);

export const seriesInput = refineWindow(z.strictObject({ target: seriesTarget, ...timeWindow, stepSeconds })).refine(fitsCap, pointsCap);

export const metricsRouter = {
  edge: viewerProcedure.input(edgeMetricsInput).query(async ({ ctx, input }) => {
    // The refinement above guarantees both parse.
    const client = parseNodeId(input.source);
    const server = parseNodeId(input.target);
    if (!client || !server) throw new TRPCError({ code: 'BAD_REQUEST', message: 'source and target must be node ids' });
    const stepSeconds = input.stepSeconds ?? autoStepSeconds(input.to - input.from);
    const stepMs = stepSeconds * 1000;
    const rows = await loadSteps(ctx.db, {
      spec: EDGE_RED, where: edgeWhere(client, server), sums: RED_SUMS, from: input.from, to: input.to, stepMs,
    });
    if (rows.length === 0) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `edge ${input.source} → ${input.target} has no data in the window` });
    }
    // Dense series: charts need the empty steps as zeros, not gaps that join neighbours.
    const points: EdgeMetricsPoint[] = denseSteps(input.from, input.to, stepMs, rows, (ts, row) => {
      const { requests, requestRate, errors, errorRate, meanLatencyMs } = redPoint(ts, row, stepSeconds);
      return { ts, requests, requestRate, errors, errorRate, meanLatencyMs };
    });
    return { stepSeconds, points };
  }),

  /**
   * One entity's series at a resolution picked from the window (or the given step): RED with
   * percentiles from histograms and network quality for an edge, RED for an endpoint, CPU and
   * memory for a node or pod.
   */
  series: viewerProcedure.input(seriesInput).query(async ({ ctx, input }) => {
    const stepSeconds = input.stepSeconds ?? autoStepSeconds(input.to - input.from);
    const stepMs = stepSeconds * 1000;
    const base = { from: input.from, to: input.to, stepMs };
    const target = input.target;
    if (target.kind === 'service') {
      const served = parseNodeId(target.id);
      if (!served) throw new TRPCError({ code: 'BAD_REQUEST', message: 'target.id must be a node id' });
      const where = sql`server_kind = ${served.kind} and server_name = ${nodeName(served)}`;
      const red = await loadSteps(ctx.db, { ...base, spec: EDGE_RED, where, sums: RED_SUMS, histogram: true });
      if (red.length === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `service ${target.id} served nothing in the window` });
      return { stepSeconds, points: denseSteps(input.from, input.to, stepMs, red, (ts, row) => redPoint(ts, row, stepSeconds)) };
    }
    if (target.kind === 'edge' || target.kind === 'endpoint') {
      const server = parseNodeId(target.kind === 'edge' ? target.target : target.server);
      const client = target.kind === 'edge' ? parseNodeId(target.source) : null;
      if (!server || (target.kind === 'edge' && !client)) throw new TRPCError({ code: 'BAD_REQUEST', message: 'target must name node ids' });
      const where = client
        ? edgeWhere(client, server)
        : sql`server_kind = ${server.kind} and server_name = ${nodeName(server)} and method = ${target.kind === 'endpoint' ? target.method : ''} and route = ${target.kind === 'endpoint' ? target.route : ''}`;
      const red = await loadSteps(ctx.db, { ...base, spec: client ? EDGE_RED : ENDPOINT_RED, where, sums: RED_SUMS, histogram: true });
      const [network, drops] = client
        ? await Promise.all([
            loadSteps(ctx.db, { ...base, spec: NETWORK, where, sums: NETWORK.sums }),
            loadSteps(ctx.db, { ...base, spec: DROPS, where, sums: ['drops'], by: 'reason' }),
          ])
        : [[], []];
      if (red.length === 0 && network.length === 0 && drops.length === 0) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `${target.kind} ${describeTarget(target)} has no data in the window` });
      }
      const byTs = new Map(network.map((row) => [row.ts, row]));
      const dropsByTs = new Map<number, Record<string, number>>();
      for (const row of drops) {
        const reasons = dropsByTs.get(row.ts) ?? {};
        reasons[row.key ?? 'UNKNOWN'] = row.values['drops'] ?? 0;
        dropsByTs.set(row.ts, reasons);
      }
      return {
        stepSeconds,
        points: denseSteps(input.from, input.to, stepMs, red, (ts, row) => ({
          ...redPoint(ts, row, stepSeconds),
          ...(client ? { network: networkPoint(byTs.get(ts) ?? null, dropsByTs.get(ts) ?? {}) } : {}),
        })),
      };
    }
    const where =
      target.kind === 'node'
        ? sql`entity_kind = 'node' and entity_id = ${target.name}`
        : sql`entity_kind = 'pod' and entity_id = ${target.uid}`;
    const rows = await loadSteps(ctx.db, { ...base, spec: RESOURCES, where, sums: ['cpu_seconds', 'throttled_seconds', 'memory_bytes_sum', 'memory_samples'], maxes: ['memory_bytes_max'] });
    if (rows.length === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `${target.kind} ${describeTarget(target)} has no data in the window` });
    return {
      stepSeconds,
      points: denseSteps(input.from, input.to, stepMs, rows, (ts, row) => {
        const v = row?.values ?? {};
        const samples = v['memory_samples'] ?? 0;
        return {
          ts,
          resources: {
            cpuCores: (v['cpu_seconds'] ?? 0) / stepSeconds,
            throttledSeconds: v['throttled_seconds'] ?? 0,
            memoryBytesMean: samples > 0 ? (v['memory_bytes_sum'] ?? 0) / samples : null,
            memoryBytesMax: row ? (v['memory_bytes_max'] ?? 0) : null,
          },
        };
      }),
    };
  }),
} satisfies TRPCRouterRecord;

/** An edge's TCP quality in one step; `dropsByReason` keys are the kernel's drop reasons (`TCP_CSUM`, `NOSOCKET`…). */
function networkPoint(row: StepRow | null, dropsByReason: Record<string, number>) {
  const v = row?.values ?? {};
  const get = (c: string) => v[c] ?? 0;
  return {
    connects: get('connects'), failedConnects: get('failed_connects'), resets: get('resets'), retransmits: get('retransmits'),
    srttMeanMs: get('srtt_samples') > 0 ? get('srtt_sum_us') / get('srtt_samples') / 1000 : null,
    bytesSent: get('bytes_sent'), bytesReceived: get('bytes_received'), packetsSent: get('packets_sent'), packetsReceived: get('packets_received'),
    drops: Object.values(dropsByReason).reduce((sum, n) => sum + n, 0),
    dropsByReason,
  };
}

function describeTarget(target: z.infer<typeof seriesTarget>): string {
  switch (target.kind) {
    case 'edge':
      return `${target.source} → ${target.target}`;
    case 'endpoint':
      return `${target.method} ${target.server}${target.route}`;
    case 'service':
      return target.id;
    case 'node':
      return target.name;
    case 'pod':
      return target.uid;
  }
}
