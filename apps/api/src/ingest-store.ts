import { LATENCY_BUCKET_COUNT, type NodeRef } from '@kinsight/topology';
import { sql } from 'drizzle-orm';
import { type PgTable } from 'drizzle-orm/pg-core';
import { type Database } from './db/client.js';
import {
  agents,
  clusters,
  edgeDropSamples,
  edgeNetworkSamples,
  endpointSamples,
  endpoints,
  ingestBatches,
  logTemplateSamples,
  logTemplates,
  nodes,
  pods,
  processes,
  resourceSamples,
  workloads,
} from './db/schema.js';
import { sampleRows, type IngestBatchInput, type ResourceSampleInput } from './routers/ingest-schema.js';

const EMPTY_HISTOGRAM: readonly number[] = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);

/** PostgreSQL allows 65 535 bind parameters a statement; stay well under it. */
const MAX_PARAMETERS = 30_000;
export const DEFAULT_CLUSTER = 'default';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const nodeName = (ref: NodeRef): string => (ref.kind === 'service' ? ref.name : ref.address);
const edgeColumns = (client: NodeRef, server: NodeRef) => ({
  clientKind: client.kind,
  clientName: nodeName(client),
  serverKind: server.kind,
  serverName: nodeName(server),
});

/**
 * The hot path: edge rows as one `insert … select from unnest(array, …)` with one bind parameter
 * per column instead of one per value, so a 5,000-row batch costs one short statement to parse,
 * plan and serialize. Histograms travel as array literals in a text[] (unnest flattens 2-D arrays).
 */
async function insertEdgeSamples(tx: Tx, input: IngestBatchInput): Promise<void> {
  const edges = input.edges;
  if (edges.length === 0) return;
  const column = <T>(pick: (e: IngestBatchInput['edges'][number]) => T) => sql.param(edges.map(pick));
  // Histograms as one flat bigint[] sliced per row: no per-row text parsing in the server.
  const flat: number[] = [];
  for (const e of edges) flat.push(...(e.latencyHistogram ?? EMPTY_HISTOGRAM));
  await tx.execute(sql`
    insert into edge_samples (bucket_start, bucket_seconds, client_kind, client_name, server_kind, server_name, protocol, method,
      status_class, requests, errors, latency_sum_ms, latency_max_ms, agent_id, batch_id, latency_histogram)
    select b, s, ck, cn, sk, sn, p, m, sc, r, e, ls, lm, ${input.agent.id}, ${input.batchId}::uuid,
      case when hh then f.h[(i - 1) * ${LATENCY_BUCKET_COUNT} + 1 : i * ${LATENCY_BUCKET_COUNT}] end
    from unnest(
      ${column((e) => new Date(e.bucketStart).toISOString())}::timestamptz[], ${column((e) => e.bucketSeconds)}::int[],
      ${column((e) => e.client.kind)}::text[], ${column((e) => nodeName(e.client))}::text[],
      ${column((e) => e.server.kind)}::text[], ${column((e) => nodeName(e.server))}::text[],
      ${column((e) => e.protocol)}::text[], ${column((e) => e.method)}::text[], ${column((e) => e.statusClass)}::text[],
      ${column((e) => e.requests)}::int[], ${column((e) => e.errors)}::int[],
      ${column((e) => e.latencySumMs)}::float8[], ${column((e) => e.latencyMaxMs)}::float8[],
      ${column((e) => e.latencyHistogram !== undefined)}::bool[]
    ) with ordinality as u(b, s, ck, cn, sk, sn, p, m, sc, r, e, ls, lm, hh, i),
    (select ${sql.param(flat)}::bigint[] as h) f`);
}

/** Multi-row inserts, as many rows a statement as the parameter limit allows. */
async function insertChunked<T extends Record<string, unknown>>(tx: Tx, table: PgTable, rows: T[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const perRow = Object.keys(first).length;
  const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / perRow));
  for (let start = 0; start < rows.length; start += chunk) {
    await tx.insert(table).values(rows.slice(start, start + chunk) as never);
  }
}

function resourceEntityId(row: ResourceSampleInput): string {
  const entity = row.entity;
  if (entity.kind === 'node') return row.node;
  if (entity.kind === 'pod') return entity.uid;
  return `${row.node}/${entity.pid}@${entity.startedAt}`;
}

function earliestBucket(input: IngestBatchInput): Date | null {
  let min = Number.POSITIVE_INFINITY;
  for (const section of [input.edges, input.endpoints, input.network, input.resources, input.logs]) {
    for (const row of section ?? []) min = Math.min(min, row.bucketStart);
  }
  return Number.isFinite(min) ? new Date(min) : null;
}

/**
 * Which entities this process refreshed lately. Every batch names its cluster, agent and node; an
 * upsert per batch would serialize concurrent batches on those rows' locks until commit, so
 * last_seen moves at most once a minute per entity and process.
 */
export class RecentlySeen {
  private readonly until = new Map<string, number>();
  constructor(private readonly ttlMs = 60_000, private readonly maxKeys = 100_000) {}

  /** True when `key` was refreshed within the TTL; otherwise records it and returns false. */
  fresh(key: string, nowMs: number): boolean {
    if ((this.until.get(key) ?? 0) > nowMs) return true;
    if (this.until.size >= this.maxKeys) this.until.clear();
    this.until.set(key, nowMs + this.ttlMs);
    return false;
  }
}

/** Upserts what the batch says exists: its agent, cluster and node, pods, processes, endpoints, templates. */
async function upsertEntities(tx: Tx, input: IngestBatchInput, at: Date, recent: RecentlySeen): Promise<void> {
  const cluster = input.agent.cluster ?? DEFAULT_CLUSTER;
  const seen = { firstSeen: at, lastSeen: at };
  const touch = { lastSeen: sql`excluded.last_seen` };
  if (recent.fresh(`agent:${cluster}/${input.agent.id}/${input.agent.hostname}/${input.agent.version}`, at.getTime()) && !input.pods?.length && !input.resources?.length) {
    await upsertDescribed(tx, input, seen, touch);
    return;
  }
  await tx.insert(clusters).values({ name: cluster, ...seen }).onConflictDoUpdate({ target: clusters.name, set: touch });
  await tx
    .insert(agents)
    .values({ id: input.agent.id, cluster, hostname: input.agent.hostname, version: input.agent.version, ...seen })
    .onConflictDoUpdate({ target: agents.id, set: { ...touch, hostname: input.agent.hostname, version: input.agent.version } });
  const nodeNames = new Set([input.agent.hostname, ...(input.pods ?? []).map((p) => p.node), ...(input.resources ?? []).map((r) => r.node)]);
  await tx
    .insert(nodes)
    .values([...nodeNames].map((name) => ({ cluster, name, ...seen })))
    .onConflictDoUpdate({ target: [nodes.cluster, nodes.name], set: touch });
  await upsertDescribed(tx, input, seen, touch);
}

/** The entities a batch describes in its own sections: pods, processes, endpoints, log templates. */
async function upsertDescribed(
  tx: Tx,
  input: IngestBatchInput,
  seen: { firstSeen: Date; lastSeen: Date },
  touch: { lastSeen: ReturnType<typeof sql> },
): Promise<void> {
  const cluster = input.agent.cluster ?? DEFAULT_CLUSTER;
  if (input.pods?.length) {
    const owners = new Map<string, typeof workloads.$inferInsert>();
    for (const pod of input.pods) {
      if (pod.workload) owners.set(`${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`, { cluster, namespace: pod.namespace, ...pod.workload, ...seen });
      if (pod.service) owners.set(`${pod.namespace}/Service/${pod.service}`, { cluster, namespace: pod.namespace, kind: 'Service', name: pod.service, ...seen });
    }
    if (owners.size > 0) {
      await tx
        .insert(workloads)
        .values([...owners.values()])
        .onConflictDoUpdate({ target: [workloads.cluster, workloads.namespace, workloads.kind, workloads.name], set: touch });
    }
    const byUid = new Map(input.pods.map((pod) => [pod.uid, pod]));
    await tx
      .insert(pods)
      .values(
        [...byUid.values()].map((pod) => ({
          uid: pod.uid, cluster, namespace: pod.namespace, name: pod.name,
          workloadKind: pod.workload?.kind ?? null, workloadName: pod.workload?.name ?? null, service: pod.service ?? null,
          nodeName: pod.node, ip: pod.ip ?? null, labels: pod.labels,
          startedAt: new Date(pod.startedAt), endedAt: pod.endedAt === undefined ? null : new Date(pod.endedAt), ...seen,
        })),
      )
      .onConflictDoUpdate({
        target: pods.uid,
        set: { ...touch, labels: sql`excluded.labels`, ip: sql`excluded.ip`, endedAt: sql`coalesce(excluded.ended_at, ${pods.endedAt})` },
      });
  }
  if (input.processes?.length) {
    const byKey = new Map(input.processes.map((p) => [`${p.node}/${p.pid}/${p.startedAt}`, p]));
    await tx
      .insert(processes)
      .values(
        [...byKey.values()].map((p) => ({
          nodeName: p.node, pid: p.pid, startedAt: new Date(p.startedAt), comm: p.comm, podUid: p.podUid ?? null,
          endedAt: p.endedAt === undefined ? null : new Date(p.endedAt), ...seen,
        })),
      )
      .onConflictDoUpdate({
        target: [processes.nodeName, processes.pid, processes.startedAt],
        set: { ...touch, endedAt: sql`coalesce(excluded.ended_at, ${processes.endedAt})` },
      });
  }
  if (input.endpoints?.length) {
    const unique = new Map(
      input.endpoints.map((e) => {
        const row = { serverKind: e.server.kind, serverName: nodeName(e.server), protocol: e.protocol, method: e.method, route: e.route, ...seen };
        return [`${row.serverKind}|${row.serverName}|${row.protocol}|${row.method}|${row.route}`, row];
      }),
    );
    await tx
      .insert(endpoints)
      .values([...unique.values()])
      .onConflictDoUpdate({ target: [endpoints.serverKind, endpoints.serverName, endpoints.protocol, endpoints.method, endpoints.route], set: touch });
  }
  if (input.logs?.length) {
    const unique = new Map(input.logs.map((l) => [l.templateId, { id: l.templateId, template: l.template, ...seen }]));
    await tx.insert(logTemplates).values([...unique.values()]).onConflictDoUpdate({ target: logTemplates.id, set: touch });
  }
}

/** Claims the batch id and stores every section in one transaction: all or nothing, once. */
export async function storeBatch(
  db: Database,
  input: IngestBatchInput,
  receivedAt: Date,
  recent: RecentlySeen = new RecentlySeen(),
): Promise<{ duplicate: boolean; stored: number }> {
  return db.transaction(async (tx) => {
    const total = sampleRows(input);
    const claimed = await tx
      .insert(ingestBatches)
      .values({
        batchId: input.batchId, agentId: input.agent.id, receivedAt, edgeRows: input.edges.length,
        totalRows: total, minBucketStart: earliestBucket(input),
      })
      .onConflictDoNothing({ target: ingestBatches.batchId })
      .returning({ batchId: ingestBatches.batchId });
    if (claimed.length === 0) return { duplicate: true, stored: 0 };
    const provenance = { agentId: input.agent.id, batchId: input.batchId };
    await insertEdgeSamples(tx, input);
    await insertChunked(
      tx,
      endpointSamples,
      (input.endpoints ?? []).map((e) => ({
        bucketStart: new Date(e.bucketStart), serverKind: e.server.kind, serverName: nodeName(e.server), protocol: e.protocol,
        method: e.method, route: e.route, statusClass: e.statusClass, requests: e.requests, errors: e.errors,
        latencySumMs: e.latencySumMs, latencyMaxMs: e.latencyMaxMs, latencyHistogram: e.latencyHistogram ?? null, ...provenance,
      })),
    );
    const network = input.network ?? [];
    await insertChunked(
      tx,
      edgeNetworkSamples,
      network.map(({ drops: _drops, bucketSeconds: _seconds, client, server, bucketStart, ...counts }) => ({
        bucketStart: new Date(bucketStart), ...edgeColumns(client, server), ...counts, ...provenance,
      })),
    );
    await insertChunked(
      tx,
      edgeDropSamples,
      network.flatMap((n) =>
        Object.entries(n.drops ?? {})
          .filter(([, drops]) => drops > 0)
          .map(([reason, drops]) => ({ bucketStart: new Date(n.bucketStart), ...edgeColumns(n.client, n.server), reason, drops, ...provenance })),
      ),
    );
    await insertChunked(
      tx,
      resourceSamples,
      (input.resources ?? []).map((r) => ({
        bucketStart: new Date(r.bucketStart), entityKind: r.entity.kind, entityId: resourceEntityId(r), nodeName: r.node,
        cpuSeconds: r.cpuSeconds, throttledSeconds: r.throttledSeconds, memoryBytesSum: r.memoryBytesSum,
        memoryBytesMax: r.memoryBytesMax, memorySamples: r.memorySamples, ...provenance,
      })),
    );
    await insertChunked(
      tx,
      logTemplateSamples,
      (input.logs ?? []).map((l) => ({
        bucketStart: new Date(l.bucketStart), sourceKind: l.source.kind, sourceName: l.source.name, level: l.level,
        templateId: l.templateId, lines: l.lines, ...provenance,
      })),
    );
    await upsertEntities(tx, input, receivedAt, recent);
    return { duplicate: false, stored: total };
  });
}
