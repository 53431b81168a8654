import { asc, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { revokeAgentToken } from '../agent-tokens.js';
import { edgeSamples, ingestBatches } from '../db/schema.js';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { issuePaths, rejectionOf } from '../testing/errors.js';
import { AGENT_TOKEN, NOW, batch, callerFor, countRows, edge, seedAgentToken } from '../testing/fixtures.js';

/** Unknown input, as a broken agent might send it. */
type Mutation = (input: Record<string, unknown> & { edges: Record<string, unknown>[]; agent: Record<string, unknown> }) => void;

const MALFORMED: [string, Mutation, string[]][] = [
  ['a count of the wrong type', (b) => void (b.edges[0] = { ...b.edges[0], requests: '10' }), ['edges[0].requests']],
  ['a negative error count', (b) => void (b.edges[0] = { ...b.edges[0], errors: -1 }), ['edges[0].errors']],
  ['zero requests', (b) => void (b.edges[0] = { ...b.edges[0], requests: 0 }), ['edges[0].requests']],
  ['more errors than requests', (b) => void (b.edges[0] = { ...b.edges[0], requests: 5, errors: 6 }), ['edges[0].errors']],
  ['a bucket over 5 minutes ahead', (b) => void (b.edges[0] = { ...b.edges[0], bucketStart: NOW + 310_000 }), ['edges[0].bucketStart']],
  ['a bucket not on a 10 s boundary', (b) => void (b.edges[0] = { ...b.edges[0], bucketStart: NOW + 1 }), ['edges[0].bucketStart']],
  ['a missing agent hostname', (b) => void delete b.agent['hostname'], ['agent.hostname']],
  ['a missing edges list', (b) => void delete (b as Record<string, unknown>)['edges'], ['edges']],
  ['an unknown protocol', (b) => void (b.edges[0] = { ...b.edges[0], protocol: 'smtp' }), ['edges[0].protocol']],
  ['a method with a space', (b) => void (b.edges[0] = { ...b.edges[0], method: 'GE T' }), ['edges[0].method']],
  ['an agent id with a slash', (b) => void (b.agent['id'] = 'node/a'), ['agent.id']],
  ['a batch id that is no uuid', (b) => void (b['batchId'] = 'batch-1'), ['batchId']],
  ['a NUL in a service name', (b) => void (b.edges[0] = { ...b.edges[0], server: { kind: 'service', name: 'a\u0000' } }), ['edges[0].server.name']],
  ['an infinite latency', (b) => void (b.edges[0] = { ...b.edges[0], latencySumMs: Number.POSITIVE_INFINITY }), ['edges[0].latencySumMs']],
  ['a bad second edge after a good one', (b) => void b.edges.push({ ...edge(), requests: -3 }), ['edges[1].requests']],
  ['10 001 edges', (b) => void (b.edges = Array.from({ length: 10_001 }, () => edge())), ['edges']],
];

describe.each(TEST_DATABASE_KINDS)('ingest.batch on %s', (kind) => {
  const database = useTestDatabase(kind);
  const caller = (token: string | null = AGENT_TOKEN) => callerFor(database().db, token);

  it(`stores exactly what was sent (${describeKind(kind)})`, async () => {
    const { db } = database();
    await seedAgentToken(db);
    const sent = batch([
      edge(),
      edge({
        bucketStart: NOW - 50_000,
        server: { kind: 'external', address: '10.0.0.9:8443' },
        method: 'POST',
        statusClass: '5xx',
        requests: 7,
        errors: 7,
        latencySumMs: 70.5,
        latencyMaxMs: 20.25,
      }),
    ]);
    expect(await caller().ingest.batch(sent)).toEqual({ batchId: sent.batchId, duplicate: false, stored: 2 });

    const rows = await db.select().from(edgeSamples).orderBy(asc(edgeSamples.bucketStart));
    expect(rows).toEqual([
      {
        bucketStart: new Date(NOW - 60_000), bucketSeconds: 10, clientKind: 'service', clientName: 'frontend',
        serverKind: 'service', serverName: 'checkout', protocol: 'http1', method: 'GET', statusClass: '2xx',
        requests: 10, errors: 0, latencySumMs: 120, latencyMaxMs: 30, agentId: 'node-a', batchId: sent.batchId, latencyHistogram: null,
      },
      {
        bucketStart: new Date(NOW - 50_000), bucketSeconds: 10, clientKind: 'service', clientName: 'frontend',
        serverKind: 'external', serverName: '10.0.0.9:8443', protocol: 'http1', method: 'POST', statusClass: '5xx',
        requests: 7, errors: 7, latencySumMs: 70.5, latencyMaxMs: 20.25, agentId: 'node-a', batchId: sent.batchId, latencyHistogram: null,
      },
    ]);
    expect(await db.select().from(ingestBatches)).toEqual([
      { batchId: sent.batchId, agentId: 'node-a', receivedAt: new Date(NOW), edgeRows: 2, totalRows: 2, minBucketStart: new Date(NOW - 60_000) },
    ]);
  });

  it('stores a batch once when it arrives three times', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const sent = batch([edge(), edge({ statusClass: '4xx' })]);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await caller().ingest.batch(sent));
    expect(results).toEqual([
      { batchId: sent.batchId, duplicate: false, stored: 2 },
      { batchId: sent.batchId, duplicate: true, stored: 0 },
      { batchId: sent.batchId, duplicate: true, stored: 0 },
    ]);
    expect(await countRows(db)).toEqual({ batches: 1, samples: 2 });
  });

  it('stores a batch once when three copies race', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const sent = batch([edge()]);
    const results = await Promise.all([0, 1, 2].map(() => caller().ingest.batch(sent)));
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true, true]);
    expect(await countRows(db)).toEqual({ batches: 1, samples: 1 });
  });

  it('keeps the first content when a batch id comes back with other edges', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const first = batch([edge({ requests: 3 })]);
    await caller().ingest.batch(first);
    expect(await caller().ingest.batch({ ...first, edges: [edge({ requests: 99 }), edge()] })).toEqual({
      batchId: first.batchId,
      duplicate: true,
      stored: 0,
    });
    expect(await db.select({ requests: edgeSamples.requests }).from(edgeSamples)).toEqual([{ requests: 3 }]);
  });

  it('stores 2500 edges in chunked multi-row inserts', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const edges = Array.from({ length: 2500 }, (_, i) => edge({ requests: 1 + (i % 7), bucketStart: NOW - 10_000 * (1 + (i % 30)) }));
    expect(await caller().ingest.batch(batch(edges))).toMatchObject({ duplicate: false, stored: 2500 });
    const [sums] = await db
      .select({ rows: sql<number>`count(*)`.mapWith(Number), requests: sql<number>`sum(${edgeSamples.requests})`.mapWith(Number) })
      .from(edgeSamples);
    expect(sums).toEqual({ rows: 2500, requests: edges.reduce((sum, e) => sum + e.requests, 0) });
  });

  it('accepts a bucket exactly 5 minutes ahead', async () => {
    const { db } = database();
    await seedAgentToken(db);
    expect(await caller().ingest.batch(batch([edge({ bucketStart: NOW + 300_000 })]))).toMatchObject({ stored: 1 });
  });

  it('stores nothing when the database fails in a later chunk: all or nothing', async () => {
    const { db } = database();
    await seedAgentToken(db);
    // A constraint only this test adds makes row 1500 (the second chunk) fail inside the transaction.
    await db.execute(sql`alter table edge_samples add constraint test_refuse_boom check (server_name <> 'boom')`);
    try {
      const edges = Array.from({ length: 1600 }, (_, i) => edge(i === 1500 ? { server: { kind: 'service', name: 'boom' } } : {}));
      const error = await rejectionOf(caller().ingest.batch(batch(edges)));
      expect(error.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await countRows(db)).toEqual({ batches: 0, samples: 0 });
    } finally {
      await db.execute(sql`alter table edge_samples drop constraint test_refuse_boom`);
    }
  });

  it.each(MALFORMED)('refuses %s with BAD_REQUEST naming the field and stores nothing', async (_name, mutate, paths) => {
    const { db } = database();
    await seedAgentToken(db);
    const input = structuredClone(batch([edge()])) as unknown as Parameters<Mutation>[0];
    mutate(input);
    const error = await rejectionOf(caller().ingest.batch(input as never));
    expect(error.code).toBe('BAD_REQUEST');
    expect([...new Set(issuePaths(error))]).toEqual(paths);
    expect(await countRows(db)).toEqual({ batches: 0, samples: 0 });
  });

  it.each([
    ['no token', null],
    ['an unknown token', 'not-the-token'],
  ])('refuses %s with UNAUTHORIZED and stores nothing', async (_name, token) => {
    const { db } = database();
    await seedAgentToken(db);
    const error = await rejectionOf(caller(token).ingest.batch(batch()));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'UNAUTHORIZED',
      message: 'agent token missing or revoked',
    });
    expect(await countRows(db)).toEqual({ batches: 0, samples: 0 });
  });

  it('refuses a revoked token', async () => {
    const { db } = database();
    await seedAgentToken(db);
    await caller().ingest.batch(batch());
    await revokeAgentToken(db, AGENT_TOKEN, new Date(NOW));
    const error = await rejectionOf(caller().ingest.batch(batch()));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'UNAUTHORIZED',
      message: 'agent token missing or revoked',
    });
    expect(await countRows(db)).toEqual({ batches: 1, samples: 1 });
  });
});
