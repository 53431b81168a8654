import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rollUpNewBatches } from '../db/rollup.js';
import { exceptions, rcaReports } from '../db/schema.js';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { rejectionOf } from '../testing/errors.js';
import { batch, callerFor, edge, NOW, seedAgentToken, userCaller } from '../testing/fixtures.js';
import { type IngestBatchInput } from './ingest-schema.js';

const HOUR = 3_600_000;
const hist = (at: number, n: number) => Array.from({ length: 19 }, (_, i) => (i === at ? n : 0));
const svc = (name: string) => ({ kind: 'service', name }) as const;
const uid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

function pod(n: number, service: string, namespace: string, node: string): NonNullable<IngestBatchInput['pods']>[number] {
  return { uid: uid(n), namespace, name: `${service}-${n}`, workload: { kind: 'Deployment', name: service }, service, node, labels: {}, startedAt: NOW - 2 * HOUR };
}

/** Three services over two namespaces and nodes, two hours of traffic ending at NOW. */
async function seed(db: Parameters<typeof callerFor>[0]) {
  await seedAgentToken(db);
  const buckets = Array.from({ length: 720 }, (_, i) => NOW - 2 * HOUR + i * 10_000);
  await callerFor(db).ingest.batch(
    batch(
      buckets.flatMap((t) => [
        edge({ bucketStart: t, client: svc('web'), server: svc('cart'), requests: 10, errors: 1, latencySumMs: 50, latencyHistogram: hist(3, 10) }),
        edge({ bucketStart: t, client: svc('cart'), server: svc('db'), requests: 5, errors: 0, latencySumMs: 5, latencyHistogram: hist(1, 5) }),
      ]),
      {
        pods: [pod(1, 'web', 'front', 'node-a'), pod(2, 'cart', 'shop', 'node-a'), pod(3, 'db', 'shop', 'node-b')],
        endpoints: buckets.slice(0, 6).flatMap((t) => [
          { bucketStart: t, bucketSeconds: 10, server: svc('cart'), protocol: 'http1', method: 'GET', route: '/cart/{id}', statusClass: '2xx', requests: 9, errors: 0, latencySumMs: 9, latencyMaxMs: 1, latencyHistogram: hist(1, 9) },
          { bucketStart: t, bucketSeconds: 10, server: svc('cart'), protocol: 'http1', method: 'POST', route: '/cart', statusClass: '5xx', requests: 2, errors: 2, latencySumMs: 400, latencyMaxMs: 300, latencyHistogram: hist(9, 2) },
        ]),
        resources: buckets.slice(0, 6).map((t) => ({ bucketStart: t, bucketSeconds: 10 as const, node: 'node-a', entity: { kind: 'node' as const }, cpuSeconds: 5, throttledSeconds: 0, memoryBytesSum: 2e9, memoryBytesMax: 1.5e9, memorySamples: 2 })),
        network: buckets.slice(0, 6).map((t) => ({ bucketStart: t, bucketSeconds: 10 as const, client: svc('web'), server: svc('cart'), connects: 1, failedConnects: 0, resets: 0, retransmits: 3, srttSumUs: 4000, srttSamples: 2, bytesSent: 10, bytesReceived: 20, packetsSent: 1, packetsReceived: 2, drops: { NOSOCKET: 2, TCP_CSUM: 1 } })),
      },
    ),
  );
}

describe.each(TEST_DATABASE_KINDS)('queries on %s', (kind) => {
  const database = useTestDatabase(kind);
  const window = { from: NOW - 2 * HOUR, to: NOW };

  it(`answer topology the same from rollups as from raw rows (${describeKind(kind)})`, async () => {
    const { db } = database();
    await seed(db);
    const viewer = await userCaller(db);
    const before = await viewer.topology.get(window);
    await rollUpNewBatches(db, NOW);
    // Poison the raw rows the rollups cover (all but the last minute): the answer must come from the rollups.
    await db.execute(sql.raw(`update edge_samples set requests = 1, errors = 0 where bucket_start < '${new Date(NOW - 60_000).toISOString()}'`));
    const after = await viewer.topology.get(window);
    expect(after).toEqual(before);
    expect(after.edges.map((e) => [e.id, e.metrics.requests, e.metrics.errors])).toEqual([
      ['service:cart->service:db#http1', 3600, 0],
      ['service:web->service:cart#http1', 7200, 720],
    ]);
  });

  it('answer an unaligned window the same from every rollup level as from raw rows', async () => {
    const { db } = database();
    await seed(db);
    const viewer = await userCaller(db);
    // 01:59:40 → 00:00:20 before NOW: raw, minutes, ten minutes, an hour, ten minutes, minutes, raw.
    const ragged = { from: NOW - 2 * HOUR + 20_000, to: NOW - 20_000 };
    const service = { target: { kind: 'service', id: 'service:cart' }, ...ragged, stepSeconds: 600 } as const;
    const raw = { topology: await viewer.topology.get(ragged), series: await viewer.metrics.series(service) };
    await rollUpNewBatches(db, NOW + HOUR);
    // Poison every raw row the rollups cover: only the ragged 40 s at each end may still be read raw.
    await db.execute(sql.raw(`update edge_samples set requests = 1, errors = 0, latency_histogram = null
      where bucket_start >= '${new Date(NOW - 2 * HOUR + 60_000).toISOString()}' and bucket_start < '${new Date(NOW - 60_000).toISOString()}'`));
    expect({ topology: await viewer.topology.get(ragged), series: await viewer.metrics.series(service) }).toEqual(raw);
    expect(raw.topology.edges.map((e) => [e.id, e.metrics.requests, e.metrics.errors])).toEqual([
      ['service:cart->service:db#http1', 3580, 0],
      ['service:web->service:cart#http1', 7160, 716],
    ]);
  });

  it('filter topology by namespace and group it by namespace and node', async () => {
    const { db } = database();
    await seed(db);
    const viewer = await userCaller(db);
    const front = await viewer.topology.get({ ...window, namespace: 'front' });
    expect(front.edges.map((e) => e.id)).toEqual(['service:web->service:cart#http1']);
    const nodeB = await viewer.topology.get({ ...window, node: 'node-b' });
    expect(nodeB.edges.map((e) => e.id)).toEqual(['service:cart->service:db#http1']);
    const byNamespace = await viewer.topology.get({ ...window, groupBy: 'namespace' });
    expect(byNamespace.edges.map((e) => [e.id, e.metrics.requests])).toEqual([
      ['service:namespace/front->service:namespace/shop#http1', 7200],
      ['service:namespace/shop->service:namespace/shop#http1', 3600],
    ]);
    const byWorkload = await viewer.topology.get({ ...window, groupBy: 'workload' });
    expect(byWorkload.nodes.map((n) => n.label).sort()).toEqual(['front/Deployment/web', 'shop/Deployment/cart', 'shop/Deployment/db']);
  });

  it('give an edge series with percentiles from histograms and network quality', async () => {
    const { db } = database();
    await seed(db);
    const result = await (await userCaller(db)).metrics.series({
      target: { kind: 'edge', source: 'service:web', target: 'service:cart' }, from: window.from, to: window.from + 60_000,
    });
    expect(result.stepSeconds).toBe(10);
    expect(result.points[0]).toEqual({
      ts: window.from, requests: 10, requestRate: 1, errors: 1, errorRate: 0.1, meanLatencyMs: 5, p50Ms: 3, p95Ms: 3.9, p99Ms: 3.98,
      network: {
        connects: 1, failedConnects: 0, resets: 0, retransmits: 3, srttMeanMs: 2, bytesSent: 10, bytesReceived: 20, packetsSent: 1, packetsReceived: 2,
        drops: 3, dropsByReason: { NOSOCKET: 2, TCP_CSUM: 1 },
      },
    });
    const sixth = result.points[5];
    expect(sixth && 'network' in sixth ? sixth.network : null).toMatchObject({ retransmits: 3, drops: 3, dropsByReason: { NOSOCKET: 2, TCP_CSUM: 1 } });
  });

  it('give network quality and drops by reason from the rollups, summed per step', async () => {
    const { db } = database();
    await seed(db);
    await rollUpNewBatches(db, NOW);
    await db.execute(sql`delete from edge_network_samples`);
    await db.execute(sql`delete from edge_drop_samples`);
    const result = await (await userCaller(db)).metrics.series({
      target: { kind: 'edge', source: 'service:web', target: 'service:cart' }, from: window.from, to: window.from + HOUR, stepSeconds: 600,
    });
    expect(result.points.map((p) => ('network' in p ? p.network : null))).toEqual([
      {
        connects: 6, failedConnects: 0, resets: 0, retransmits: 18, srttMeanMs: 2, bytesSent: 60, bytesReceived: 120, packetsSent: 6, packetsReceived: 12,
        drops: 18, dropsByReason: { NOSOCKET: 12, TCP_CSUM: 6 },
      },
      ...Array.from({ length: 5 }, () => ({
        connects: 0, failedConnects: 0, resets: 0, retransmits: 0, srttMeanMs: null, bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0,
        drops: 0, dropsByReason: {},
      })),
    ]);
  });

  it('read hourly steps from the hourly rollups', async () => {
    const { db } = database();
    await seed(db);
    await rollUpNewBatches(db, NOW);
    const result = await (await userCaller(db)).metrics.series({
      target: { kind: 'edge', source: 'service:cart', target: 'service:db' }, from: NOW - 2 * HOUR, to: NOW, stepSeconds: 3600,
    });
    expect(result.points.map((p) => ('requests' in p ? [p.requests, p.p50Ms] : null))).toEqual([[1800, 0.75], [1800, 0.75]]);
  });

  it('give what a service served, over all its inbound edges', async () => {
    const { db } = database();
    await seed(db);
    const result = await (await userCaller(db)).metrics.series({ target: { kind: 'service', id: 'service:cart' }, from: window.from, to: window.from + 10_000 });
    expect(result.points).toEqual([
      { ts: window.from, requests: 10, requestRate: 1, errors: 1, errorRate: 0.1, meanLatencyMs: 5, p50Ms: 3, p95Ms: 3.9, p99Ms: 3.98 },
    ]);
  });

  it('give node resources and refuse an unknown node naming it', async () => {
    const { db } = database();
    await seed(db);
    const viewer = await userCaller(db);
    const result = await viewer.metrics.series({ target: { kind: 'node', name: 'node-a' }, from: window.from, to: window.from + 20_000 });
    expect(result.points).toEqual([
      { ts: window.from, resources: { cpuCores: 0.5, throttledSeconds: 0, memoryBytesMean: 1e9, memoryBytesMax: 1.5e9 } },
      { ts: window.from + 10_000, resources: { cpuCores: 0.5, throttledSeconds: 0, memoryBytesMean: 1e9, memoryBytesMax: 1.5e9 } },
    ]);
    const error = await rejectionOf(viewer.metrics.series({ target: { kind: 'node', name: 'node-z' }, ...window }));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'NOT_FOUND', message: 'node node-z has no data in the window' });
  });

  it('rank endpoints by rate, errors and latency', async () => {
    const { db } = database();
    await seed(db);
    const viewer = await userCaller(db);
    const byRate = await viewer.endpoints.top({ ...window, by: 'rate' });
    expect(byRate.endpoints.map((e) => [e.method, e.route, e.requests, e.errors])).toEqual([['GET', '/cart/{id}', 54, 0], ['POST', '/cart', 12, 12]]);
    const byErrors = await viewer.endpoints.top({ ...window, by: 'errors', limit: 1 });
    expect(byErrors.endpoints[0]).toMatchObject({
      server: 'service:cart', protocol: 'http1', method: 'POST', route: '/cart', requests: 12, errors: 12,
      requestRate: 12 / 7200, errorRate: 1, meanLatencyMs: 200,
    });
    // All 12 in the (128, 256] ms bucket: p95 interpolates to 128 + 128 × 0.95.
    expect(byErrors.endpoints[0]?.p95Ms).toBeCloseTo(249.6, 9);
    expect((await viewer.endpoints.top({ ...window, by: 'latency' })).endpoints.map((e) => e.route)).toEqual(['/cart', '/cart/{id}']);
  });

  it('list exceptions newest first with filters and keyset paging', async () => {
    const { db } = database();
    await db.insert(exceptions).values(
      Array.from({ length: 5 }, (_, i) => ({
        // one open exception per entity and metric (a unique index): the later two are latency
        entityKind: 'service', entityId: i % 2 ? 'cart' : 'web', metric: i > 2 ? 'latency' : 'error_rate', title: `errors ${i}`,
        severity: i === 4 ? ('critical' as const) : ('warning' as const), status: i === 0 ? ('resolved' as const) : ('open' as const),
        startedAt: new Date(NOW - (5 - i) * 60_000), impact: { share: i / 10 },
      })),
    );
    const viewer = await userCaller(db);
    const first = await viewer.exceptions.list({ limit: 2 });
    expect(first.items.map((e) => e.title)).toEqual(['errors 4', 'errors 3']);
    const second = await viewer.exceptions.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((e) => e.title)).toEqual(['errors 2', 'errors 1']);
    const last = await viewer.exceptions.list({ limit: 2, cursor: second.nextCursor ?? undefined });
    expect({ titles: last.items.map((e) => e.title), next: last.nextCursor }).toEqual({ titles: ['errors 0'], next: null });
    expect((await viewer.exceptions.list({ status: 'open', entityId: 'cart' })).items.map((e) => e.title)).toEqual(['errors 3', 'errors 1']);
    expect((await viewer.exceptions.list({ severity: 'critical' })).items.map((e) => e.id)).toEqual([5]);
    const missing = await rejectionOf(viewer.exceptions.get({ id: 812 }));
    expect({ code: missing.code, message: missing.message }).toEqual({ code: 'NOT_FOUND', message: 'exception 812 not found' });
  });

  it('get a report and answer NOT_FOUND naming a missing one', async () => {
    const { db } = database();
    const [row] = await db
      .insert(rcaReports)
      .values({ windowFrom: new Date(NOW - HOUR), windowTo: new Date(NOW), rootCause: 'service=db', confidence: 0.9, summary: 'db slow', document: { steps: [1, 2] } })
      .returning({ id: rcaReports.id });
    const viewer = await userCaller(db);
    expect(await viewer.reports.get({ id: row?.id ?? 0 })).toMatchObject({ rootCause: 'service=db', confidence: 0.9, document: { steps: [1, 2] } });
    const error = await rejectionOf(viewer.reports.get({ id: 812 }));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'NOT_FOUND', message: 'report 812 not found' });
  });
});
