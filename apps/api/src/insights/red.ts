import { latencyQuantileMs } from '@kinsight/topology';
import { type EntityKind, edgeEntity } from '@kinsight/rca';
import { sql } from 'drizzle-orm';
import { type Database } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { SeriesFrame } from './frame.js';

/** Names the detectors and reports use for one RED sample (latency in ms, requests per 10 s bucket). */
export const RED_METRICS = ['requests', 'error_rate', 'latency', 'latency_p95'] as const;

export interface Red {
  requests: number;
  errors: number;
  latencySumMs: number;
  histogram: number[] | null;
}

/** A call seen in the range: who called whom, with each end's kind (`service` or `external`). */
export interface CallPair {
  client: string;
  clientKind: string;
  server: string;
  serverKind: string;
}

/** Endpoint entity: `<server> <method> <route>` (the server is the part before the first space). */
export const endpointEntity = (server: string, method: string, route: string) => `${server} ${method} ${route}`;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const histogramOf = (v: unknown): number[] | null => (Array.isArray(v) ? v.map(Number) : null);

function addRed(into: Red, more: Red): void {
  into.requests += more.requests;
  into.errors += more.errors;
  into.latencySumMs += more.latencySumMs;
  if (more.histogram) {
    if (!into.histogram) into.histogram = [...more.histogram];
    else for (let i = 0; i < more.histogram.length; i++) into.histogram[i] = (into.histogram[i] ?? 0) + (more.histogram[i] ?? 0);
  }
}

/**
 * Writes one RED sample as series. Below `minRequests` a bucket's latency and error rate are noise
 * (one slow call is not an incident), so only its request count is kept.
 */
export function putRed(frame: SeriesFrame, kind: EntityKind, entity: string, ts: number, red: Red, minRequests: number): void {
  frame.set({ kind, entity, metric: 'requests' }, ts, red.requests);
  if (red.requests < Math.max(1, minRequests)) return;
  frame.set({ kind, entity, metric: 'error_rate' }, ts, red.errors / red.requests);
  frame.set({ kind, entity, metric: 'latency' }, ts, red.latencySumMs / red.requests);
  const p95 = red.histogram ? latencyQuantileMs(red.histogram, 0.95) : null;
  if (p95 !== null) frame.set({ kind, entity, metric: 'latency_p95' }, ts, p95);
}

/**
 * Which side saw a call. Two agents report a cross-node call: the caller's agent (client view:
 * includes the network) and the callee's (server view: the service's own time). A row is the server
 * view when its agent runs on a node that hosts the server (pods) and not the client, the client view
 * in the mirror case, `l` (local, or placement unknown) otherwise.
 */
const viewSql = (from: Date) => sql`
  with placed as (
    select distinct a.id as agent_id, p.service
    from agents a join pods p on p.node_name = a.hostname or p.node_name = a.id
    where p.service is not null and (p.ended_at is null or p.ended_at >= ${from.toISOString()}::timestamptz)
  )`;

/**
 * RED per 10 s bucket in [from, to): one query over edges (with the side that saw them) and one over
 * endpoints. Edge `a->b` reads the client view (what `a` waited), service `b` its own server view, so a
 * slow network shows on the edge and not on the callee; each falls back to the other side's rows when
 * its own side reported nothing in the range.
 */
export async function loadRed(db: Pick<Database, 'execute'>, from: number, to: number, minRequests: number): Promise<{ frame: SeriesFrame; calls: CallPair[] }> {
  const a = new Date(from);
  const b = new Date(to);
  type Row = {
    ts: number; client_kind: string; client_name: string; server_kind: string; server_name: string; view: 'c' | 's' | 'l';
    requests: number; errors: number; latency_sum_ms: number; histogram: unknown;
  };
  const rows = await rowsOf<Row>(
    db,
    sql`${viewSql(a)}
      select (extract(epoch from e.bucket_start) * 1000)::float8 as ts, e.client_kind, e.client_name, e.server_kind, e.server_name,
        case when ps.service is not null and pc.service is null then 's' when pc.service is not null and ps.service is null then 'c' else 'l' end as view,
        sum(e.requests)::float8 as requests, sum(e.errors)::float8 as errors, sum(e.latency_sum_ms)::float8 as latency_sum_ms,
        kinsight_histogram_sum(e.latency_histogram) as histogram
      from edge_samples e
      left join placed ps on ps.agent_id = e.agent_id and e.server_kind = 'service' and ps.service = e.server_name
      left join placed pc on pc.agent_id = e.agent_id and e.client_kind = 'service' and pc.service = e.client_name
      where e.bucket_start >= ${a.toISOString()}::timestamptz and e.bucket_start < ${b.toISOString()}::timestamptz
      group by 1, 2, 3, 4, 5, 6`,
  );
  const frame = new SeriesFrame();
  const calls = new Map<string, CallPair>();
  const edges = new Map<string, Map<number, { clientSide: Red; serverSide: Red }>>();
  const services = new Map<string, Map<number, { own: Red; callers: Red }>>();
  const empty = (): Red => ({ requests: 0, errors: 0, latencySumMs: 0, histogram: null });
  for (const row of rows) {
    const red: Red = { requests: num(row.requests), errors: num(row.errors), latencySumMs: num(row.latency_sum_ms), histogram: histogramOf(row.histogram) };
    const edge = edgeEntity(row.client_name, row.server_name);
    calls.set(edge, { client: row.client_name, clientKind: row.client_kind, server: row.server_name, serverKind: row.server_kind });
    const perEdge = edges.get(edge) ?? new Map<number, { clientSide: Red; serverSide: Red }>();
    edges.set(edge, perEdge);
    const e = perEdge.get(row.ts) ?? { clientSide: empty(), serverSide: empty() };
    perEdge.set(row.ts, e);
    addRed(row.view === 's' ? e.serverSide : e.clientSide, red);
    if (row.server_kind !== 'service') continue;
    const perService = services.get(row.server_name) ?? new Map<number, { own: Red; callers: Red }>();
    services.set(row.server_name, perService);
    const s = perService.get(row.ts) ?? { own: empty(), callers: empty() };
    perService.set(row.ts, s);
    addRed(row.view === 'c' ? s.callers : s.own, red);
  }
  for (const [edge, buckets] of edges) {
    const clientSeen = [...buckets.values()].some((v) => v.clientSide.requests > 0);
    for (const [ts, v] of buckets) {
      const red = clientSeen ? v.clientSide : v.serverSide;
      if (red.requests > 0) putRed(frame, 'edge', edge, ts, red, minRequests);
    }
  }
  for (const [service, buckets] of services) {
    const ownSeen = [...buckets.values()].some((v) => v.own.requests > 0);
    for (const [ts, v] of buckets) {
      const red = ownSeen ? v.own : v.callers;
      if (red.requests > 0) putRed(frame, 'service', service, ts, red, minRequests);
    }
  }
  await loadEndpoints(db, a, b, frame, minRequests);
  return { frame, calls: [...calls.values()] };
}

/** Endpoint RED of services, from the server's own agent when it reported any, else from every agent. */
async function loadEndpoints(db: Pick<Database, 'execute'>, a: Date, b: Date, frame: SeriesFrame, minRequests: number): Promise<void> {
  type Row = { ts: number; server_name: string; method: string; route: string; own: boolean; requests: number; errors: number; latency_sum_ms: number; histogram: unknown };
  const rows = await rowsOf<Row>(
    db,
    sql`${viewSql(a)}
      select (extract(epoch from e.bucket_start) * 1000)::float8 as ts, e.server_name, e.method, e.route, (ps.service is not null) as own,
        sum(e.requests)::float8 as requests, sum(e.errors)::float8 as errors, sum(e.latency_sum_ms)::float8 as latency_sum_ms,
        kinsight_histogram_sum(e.latency_histogram) as histogram
      from endpoint_samples e
      left join placed ps on ps.agent_id = e.agent_id and ps.service = e.server_name
      where e.server_kind = 'service' and e.bucket_start >= ${a.toISOString()}::timestamptz and e.bucket_start < ${b.toISOString()}::timestamptz
      group by 1, 2, 3, 4, 5`,
  );
  const endpoints = new Map<string, { own: boolean; buckets: Map<number, { own: Red; other: Red }> }>();
  for (const row of rows) {
    const entity = endpointEntity(row.server_name, row.method, row.route);
    const e = endpoints.get(entity) ?? { own: false, buckets: new Map<number, { own: Red; other: Red }>() };
    endpoints.set(entity, e);
    const bucket = e.buckets.get(row.ts) ?? { own: { requests: 0, errors: 0, latencySumMs: 0, histogram: null }, other: { requests: 0, errors: 0, latencySumMs: 0, histogram: null } };
    e.buckets.set(row.ts, bucket);
    const red: Red = { requests: num(row.requests), errors: num(row.errors), latencySumMs: num(row.latency_sum_ms), histogram: histogramOf(row.histogram) };
    addRed(row.own ? bucket.own : bucket.other, red);
    if (row.own) e.own = true;
  }
  for (const [entity, e] of endpoints) {
    for (const [ts, bucket] of e.buckets) {
      const red = e.own ? bucket.own : bucket.other;
      if (red.requests > 0) putRed(frame, 'endpoint', entity, ts, red, minRequests);
    }
  }
}
