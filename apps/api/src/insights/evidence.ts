import { latencyQuantileMs } from '@kinsight/topology';
import { type SlowStatement, type TemplateCount, edgeEntity, median } from '@kinsight/rca';
import { sql } from 'drizzle-orm';
import { type Database } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { STEP_MS, type SeriesFrame } from './frame.js';

type Db = Pick<Database, 'execute'>;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const range = (from: number, to: number) =>
  sql`bucket_start >= ${new Date(from).toISOString()}::timestamptz and bucket_start < ${new Date(to).toISOString()}::timestamptz`;
const tsSql = sql`(extract(epoch from bucket_start) * 1000)::float8`;

/**
 * Network quality per edge and bucket, both agents' sockets summed: retransmits, resets, failed
 * connects and drops as counts per 10 s; srtt as the mean smoothed RTT in ms (absent without samples).
 */
export async function loadNetwork(db: Db, from: number, to: number, frame: SeriesFrame): Promise<void> {
  type Row = { ts: number; client_name: string; server_name: string; retransmits: number; resets: number; failed_connects: number; srtt_sum_us: number; srtt_samples: number };
  const rows = await rowsOf<Row>(
    db,
    sql`select ${tsSql} as ts, client_name, server_name, sum(retransmits)::float8 as retransmits, sum(resets)::float8 as resets,
          sum(failed_connects)::float8 as failed_connects, sum(srtt_sum_us)::float8 as srtt_sum_us, sum(srtt_samples)::float8 as srtt_samples
        from edge_network_samples where ${range(from, to)} group by 1, 2, 3`,
  );
  for (const row of rows) {
    const edge = edgeEntity(row.client_name, row.server_name);
    const key = (metric: string) => ({ kind: 'edge' as const, entity: edge, metric });
    frame.set(key('retransmits'), row.ts, num(row.retransmits));
    frame.set(key('resets'), row.ts, num(row.resets));
    frame.set(key('failed_connects'), row.ts, num(row.failed_connects));
    if (num(row.srtt_samples) > 0) frame.set(key('srtt'), row.ts, num(row.srtt_sum_us) / num(row.srtt_samples) / 1000);
  }
  const drops = await rowsOf<{ ts: number; client_name: string; server_name: string; drops: number }>(
    db,
    sql`select ${tsSql} as ts, client_name, server_name, sum(drops)::float8 as drops from edge_drop_samples where ${range(from, to)} group by 1, 2, 3`,
  );
  for (const row of drops) frame.set({ kind: 'edge', entity: edgeEntity(row.client_name, row.server_name), metric: 'drops' }, row.ts, num(row.drops));
}

/**
 * Resources per bucket: a service's pods summed (cpu in cores, throttled seconds, mean memory bytes)
 * and each node as a machine. Process-level samples are left out: a process is also inside its pod's
 * cgroup, so adding both would count it twice.
 */
export async function loadResources(db: Db, from: number, to: number, frame: SeriesFrame): Promise<void> {
  type Row = { ts: number; kind: 'service' | 'machine'; entity: string; cpu_seconds: number; throttled_seconds: number; memory_bytes: number };
  const rows = await rowsOf<Row>(
    db,
    sql`select ${tsSql} as ts, case when r.entity_kind = 'node' then 'machine' else 'service' end as kind,
          case when r.entity_kind = 'node' then r.entity_id else p.service end as entity,
          sum(r.cpu_seconds)::float8 as cpu_seconds, sum(r.throttled_seconds)::float8 as throttled_seconds,
          sum(case when r.memory_samples > 0 then r.memory_bytes_sum / r.memory_samples else 0 end)::float8 as memory_bytes
        from resource_samples r left join pods p on r.entity_kind = 'pod' and p.uid = r.entity_id
        where ${range(from, to)} and (r.entity_kind = 'node' or (r.entity_kind = 'pod' and p.service is not null))
        group by 1, 2, 3`,
  );
  for (const row of rows) {
    const key = (metric: string) => ({ kind: row.kind, entity: row.entity, metric });
    frame.set(key('cpu'), row.ts, num(row.cpu_seconds) / (STEP_MS / 1000));
    frame.set(key('cpu_throttle'), row.ts, num(row.throttled_seconds));
    frame.set(key('memory'), row.ts, num(row.memory_bytes));
  }
}

/** Where services run (pods alive in the range): the machines of the report's topology. */
export async function loadPlacements(db: Db, from: number): Promise<Array<{ service: string; machine: string }>> {
  return rowsOf<{ service: string; machine: string }>(
    db,
    sql`select distinct service, node_name as machine from pods
        where service is not null and (ended_at is null or ended_at >= ${new Date(from).toISOString()}::timestamptz)`,
  );
}

export interface ErrorLogs {
  /** templates per service with their lines in the window */
  templates: Map<string, TemplateCount[]>;
  /** lines per service beyond its usual rate (the baseline's median lines per bucket × window buckets) */
  excess: Map<string, number>;
}

/** Error and critical log templates per service (pods resolved to their service), window against baseline. */
export async function loadErrorLogs(db: Db, baselineFrom: number, windowFrom: number, windowTo: number): Promise<ErrorLogs> {
  type Row = { ts: number; service: string; template_id: string; template: string | null; lines: number };
  const rows = await rowsOf<Row>(
    db,
    sql`select ${tsSql} as ts, coalesce(p.service, l.source_name) as service, l.template_id, t.template, sum(l.lines)::float8 as lines
        from log_template_samples l
        left join pods p on l.source_kind = 'pod' and (p.uid = l.source_name or p.name = l.source_name)
        left join log_templates t on t.id = l.template_id
        where ${range(baselineFrom, windowTo)} and l.level in ('error', 'critical') and (l.source_kind = 'service' or p.service is not null)
        group by 1, 2, 3, 4`,
  );
  const perBucket = new Map<string, Map<number, number>>();
  const inWindow = new Map<string, Map<string, TemplateCount>>();
  for (const row of rows) {
    const lines = num(row.lines);
    const buckets = perBucket.get(row.service) ?? new Map<number, number>();
    perBucket.set(row.service, buckets);
    buckets.set(row.ts, (buckets.get(row.ts) ?? 0) + lines);
    if (row.ts < windowFrom) continue;
    const templates = inWindow.get(row.service) ?? new Map<string, TemplateCount>();
    inWindow.set(row.service, templates);
    const text = row.template ?? `template ${row.template_id}`;
    const t = templates.get(row.template_id) ?? { template: text, count: 0, example: text };
    t.count += lines;
    templates.set(row.template_id, t);
  }
  const windowBuckets = Math.max(1, Math.round((windowTo - windowFrom) / STEP_MS));
  const baselineBuckets = Math.max(1, Math.round((windowFrom - baselineFrom) / STEP_MS));
  const excess = new Map<string, number>();
  for (const [service, buckets] of perBucket) {
    const baseline: number[] = [];
    let window = 0;
    for (const [ts, lines] of buckets) {
      if (ts < windowFrom) baseline.push(lines);
      else window += lines;
    }
    // Buckets without a line are zeros of the baseline, not missing values.
    while (baseline.length < baselineBuckets) baseline.push(0);
    excess.set(service, Math.max(0, Math.round(window - median(baseline) * windowBuckets)));
  }
  return { templates: new Map([...inWindow].map(([s, t]) => [s, [...t.values()]])), excess };
}

const STATEMENT_SYSTEMS: Record<string, SlowStatement['system']> = { pgsql: 'sql', mysql: 'sql', redis: 'redis' };

/**
 * Datastore calls per client service in the window, slowest (p99 from the summed histogram, else the
 * mean) first. The agent sends the operation (SQL verb, Redis command), not the statement text.
 */
export async function loadStatements(db: Db, from: number, to: number): Promise<Map<string, SlowStatement[]>> {
  type Row = { client_name: string; server_name: string; protocol: string; method: string; requests: number; latency_sum_ms: number; histogram: unknown };
  const rows = await rowsOf<Row>(
    db,
    sql`select client_name, server_name, protocol, method, sum(requests)::float8 as requests, sum(latency_sum_ms)::float8 as latency_sum_ms,
          kinsight_histogram_sum(latency_histogram) as histogram
        from edge_samples where ${range(from, to)} and client_kind = 'service' and protocol in ('pgsql', 'mysql', 'redis')
        group by 1, 2, 3, 4`,
  );
  const out = new Map<string, SlowStatement[]>();
  for (const row of rows) {
    const system = STATEMENT_SYSTEMS[row.protocol];
    const calls = num(row.requests);
    if (!system || calls <= 0) continue;
    const histogram = Array.isArray(row.histogram) ? row.histogram.map(Number) : null;
    const p99Ms = (histogram ? latencyQuantileMs(histogram, 0.99) : null) ?? num(row.latency_sum_ms) / calls;
    const list = out.get(row.client_name) ?? [];
    list.push({ system, statement: row.method, calls, p99Ms, server: row.server_name });
    out.set(row.client_name, list);
  }
  for (const list of out.values()) list.sort((x, y) => y.p99Ms - x.p99Ms);
  return out;
}
