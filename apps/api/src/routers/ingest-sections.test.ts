import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { describeIssues } from '../trpc.js';
import { IngestLimiter } from '../backpressure.js';
import { describeKind, rawRows, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { issuePaths, rejectionOf } from '../testing/errors.js';
import { AGENT_TOKEN, batch, callerFor, edge, NOW, seedAgentToken, testContext } from '../testing/fixtures.js';
import { createCaller } from '../root.js';
import { type IngestBatchInput } from './ingest-schema.js';

const POD = '7d3f1c2e-9a4b-4c1d-8e2f-0123456789ab';
const at = NOW - 60_000;
const checkout = { kind: 'service', name: 'checkout' } as const;
const frontend = { kind: 'service', name: 'frontend' } as const;
const hist = (at: number, n: number) => Array.from({ length: 19 }, (_, i) => (i === at ? n : 0));

/** One of everything a full agent sends. */
function fullBatch(): IngestBatchInput {
  return batch([edge({ latencyHistogram: hist(5, 10) })], {
    agent: { id: 'node-a', hostname: 'node-a', version: '0.2.0', cluster: 'prod' },
    endpoints: [
      { bucketStart: at, bucketSeconds: 10, server: checkout, protocol: 'http1', method: 'GET', route: '/cart/{id}', statusClass: '2xx', requests: 8, errors: 0, latencySumMs: 40, latencyMaxMs: 9, latencyHistogram: hist(4, 8) },
    ],
    network: [
      {
        bucketStart: at, bucketSeconds: 10, client: frontend, server: checkout, connects: 3, failedConnects: 1, resets: 2, retransmits: 7,
        srttSumUs: 3000, srttSamples: 3, bytesSent: 1000, bytesReceived: 5000, packetsSent: 10, packetsReceived: 12,
        drops: { NOSOCKET: 2, TCP_CSUM: 0 },
      },
    ],
    resources: [
      { bucketStart: at, bucketSeconds: 10, node: 'node-a', entity: { kind: 'pod', uid: POD }, cpuSeconds: 2.5, throttledSeconds: 0.5, memoryBytesSum: 3e8, memoryBytesMax: 1.2e8, memorySamples: 3 },
      { bucketStart: at, bucketSeconds: 10, node: 'node-a', entity: { kind: 'node' }, cpuSeconds: 12, throttledSeconds: 0, memoryBytesSum: 8e9, memoryBytesMax: 4e9, memorySamples: 2 },
    ],
    logs: [
      { bucketStart: at, bucketSeconds: 10, source: checkout, level: 'error', templateId: '0123456789abcdef', template: 'timeout after <*> ms', lines: 4 },
    ],
    pods: [
      { uid: POD, namespace: 'shop', name: 'checkout-7c9-x2', workload: { kind: 'Deployment', name: 'checkout' }, service: 'checkout', node: 'node-a', ip: '10.0.0.7', labels: { app: 'checkout' }, startedAt: NOW - 3_600_000 },
    ],
    processes: [{ node: 'node-a', pid: 4242, startedAt: NOW - 3_600_000, comm: 'java', podUid: POD }],
  });
}

describe.each(TEST_DATABASE_KINDS)('ingest.batch sections on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`stores every section and the entities it names in one batch (${describeKind(kind)})`, async () => {
    const { db } = database();
    await seedAgentToken(db);
    expect(await callerFor(db).ingest.batch(fullBatch())).toMatchObject({ duplicate: false, stored: 8 });
    const count = async (table: string) => (await rawRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n;
    const counts: Record<string, number | undefined> = {};
    for (const table of ['edge_samples', 'endpoint_samples', 'edge_network_samples', 'edge_drop_samples', 'resource_samples', 'log_template_samples', 'clusters', 'nodes', 'agents', 'workloads', 'pods', 'processes', 'endpoints', 'log_templates']) {
      counts[table] = await count(table);
    }
    expect(counts).toEqual({
      edge_samples: 1, endpoint_samples: 1, edge_network_samples: 1, edge_drop_samples: 1, resource_samples: 2, log_template_samples: 1,
      clusters: 1, nodes: 1, agents: 1, workloads: 2, pods: 1, processes: 1, endpoints: 1, log_templates: 1,
    });
    expect(await rawRows(db, sql`select reason, drops::int from edge_drop_samples`)).toEqual([{ reason: 'NOSOCKET', drops: 2 }]);
    expect(await rawRows(db, sql`select entity_kind, entity_id from resource_samples order by 1`)).toEqual([
      { entity_kind: 'node', entity_id: 'node-a' },
      { entity_kind: 'pod', entity_id: POD },
    ]);
    expect(await rawRows(db, sql`select uid, ip, labels, service from pods`)).toEqual([{ uid: POD, ip: '10.0.0.7', labels: { app: 'checkout' }, service: 'checkout' }]);
  });

  it('stores a full batch once when it arrives three times', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const sent = fullBatch();
    for (let i = 0; i < 3; i++) await callerFor(db).ingest.batch(sent);
    expect(await rawRows(db, sql`select (select count(*)::int from endpoint_samples) as e, (select count(*)::int from resource_samples) as r, (select count(*)::int from ingest_batches) as b`)).toEqual([{ e: 1, r: 2, b: 1 }]);
  });

  const mutate = (change: (b: Record<string, unknown> & IngestBatchInput) => void) => {
    const b = structuredClone(fullBatch()) as Record<string, unknown> & IngestBatchInput;
    change(b);
    return b;
  };

  it.each([
    ['a field that should not exist (a captured header)', mutate((b) => void ((b.edges[0] as Record<string, unknown>)['authorization'] = 'Bearer x')), ['edges[0]']],
    ['an unknown top-level section', mutate((b) => void (b['secrets'] = [])), ['(input)']],
    ['a histogram that does not count the requests', mutate((b) => void ((b.edges[0] as Record<string, unknown>)['latencyHistogram'] = hist(2, 9))), ['edges[0].latencyHistogram']],
    ['a histogram of the wrong length', mutate((b) => void ((b.edges[0] as Record<string, unknown>)['latencyHistogram'] = [10])), ['edges[0].latencyHistogram']],
    ['negative retransmits', mutate((b) => void ((b.network?.[0] as Record<string, unknown>)['retransmits'] = -1)), ['network[0].retransmits']],
    ['a drop reason in lower case', mutate((b) => void ((b.network?.[0] as Record<string, unknown>)['drops'] = { nosocket: 1 })), ['network[0].drops.nosocket']],
    ['a raw path instead of a route', mutate((b) => void ((b.endpoints?.[0] as Record<string, unknown>)['route'] = 'cart/12')), ['endpoints[0].route']],
    ['an unknown resource entity', mutate((b) => void ((b.resources?.[0] as Record<string, unknown>)['entity'] = { kind: 'vm' })), ['resources[0].entity.kind']],
    ['a pod uid that is no uuid', mutate((b) => void ((b.pods?.[0] as Record<string, unknown>)['uid'] = 'pod-1')), ['pods[0].uid']],
    ['a log level nobody uses', mutate((b) => void ((b.logs?.[0] as Record<string, unknown>)['level'] = 'loud')), ['logs[0].level']],
    ['an HTTP status class on a Redis row', mutate((b) => void ((b.edges[0] as Record<string, unknown>)['protocol'] = 'redis')), ['edges[0].statusClass']],
    ['errors counted on a client_error row', mutate((b) => void Object.assign(b.edges[0] as object, { protocol: 'pgsql', statusClass: 'client_error', errors: 1 })), ['edges[0].errors']],
    ['a server_error row with calls that did not fail', mutate((b) => void Object.assign(b.edges[0] as object, { protocol: 'grpc', statusClass: 'server_error', errors: 3 })), ['edges[0].errors']],
    ['a resource bucket an hour ahead', mutate((b) => void ((b.resources?.[0] as Record<string, unknown>)['bucketStart'] = NOW + 3_600_000)), ['resources[0].bucketStart']],
  ])('refuses %s with BAD_REQUEST naming it and stores nothing', async (_name, input, paths) => {
    const { db } = database();
    await seedAgentToken(db);
    const error = await rejectionOf(callerFor(db).ingest.batch(input as never));
    expect({ code: error.code, paths: [...new Set(issuePaths(error))] }).toEqual({ code: 'BAD_REQUEST', paths });
    expect(await rawRows(db, sql`select (select count(*)::int from ingest_batches) as b, (select count(*)::int from pods) as p`)).toEqual([{ b: 0, p: 0 }]);
  });

  it('names the classes a protocol may use when a row uses another', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const error = await rejectionOf(callerFor(db).ingest.batch(batch([edge({ protocol: 'dns', statusClass: '4xx' })])));
    expect(error.cause instanceof ZodError ? describeIssues(error.cause) : error.message).toBe(
      'invalid input: edges[0].statusClass: must be one of ok, client_error, server_error, other for dns',
    );
  });

  it('answers TOO_MANY_REQUESTS with a retry delay while the in-flight cap is taken, then accepts the same batch', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const limiter = new IngestLimiter({ maxInFlight: 1, maxPoolWaiting: 0, retryAfterSeconds: 3, poolWaiting: () => 0 });
    const caller = createCaller(testContext(db, { agentToken: AGENT_TOKEN, inner: { ingestLimiter: limiter } }));
    const release = limiter.enter();
    const sent = batch([edge()], { batchId: randomUUID() });
    const error = await rejectionOf(caller.ingest.batch(sent));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: 'the database is behind (too many batches in flight); retry after 3 s with the same batch id',
    });
    release();
    expect(await caller.ingest.batch(sent)).toMatchObject({ duplicate: false, stored: 1 });
  });

  it('answers TOO_MANY_REQUESTS when the connection pool has waiters', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const limiter = new IngestLimiter({ maxInFlight: 10, maxPoolWaiting: 2, retryAfterSeconds: 1, poolWaiting: () => 3 });
    const caller = createCaller(testContext(db, { agentToken: AGENT_TOKEN, inner: { ingestLimiter: limiter } }));
    const error = await rejectionOf(caller.ingest.batch(batch()));
    expect(error.message).toBe('the database is behind (connection pool has waiters); retry after 1 s with the same batch id');
    expect(limiter.current).toBe(0);
  });
});
