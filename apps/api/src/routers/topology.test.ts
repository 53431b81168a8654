import { describe, expect, it } from 'vitest';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { issuePaths, rejectionOf } from '../testing/errors.js';
import { batch, callerFor, edge, NOW, userCaller } from '../testing/fixtures.js';
import { SEED_WINDOW, seedShop } from '../testing/seed.js';

const noStatus = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, ok: 0, client_error: 0, server_error: 0, other: 0 };

describe.each(TEST_DATABASE_KINDS)('topology.get on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`returns exact requests, rates and error rates for the seeded window (${describeKind(kind)})`, async () => {
    const { db } = database();
    await seedShop(db);
    expect(await (await userCaller(db)).topology.get(SEED_WINDOW)).toEqual({
      ...SEED_WINDOW,
      nodes: [
        {
          kind: 'external', address: '10.0.0.9:8443', id: 'external:10.0.0.9:8443', label: '10.0.0.9:8443',
          served: { requests: 60, errors: 0, requestRate: 0.1, errorRate: 0, meanLatencyMs: 1500 },
          health: 'warning',
        },
        {
          kind: 'service', name: 'checkout', id: 'service:checkout', label: 'checkout',
          served: { requests: 600, errors: 12, requestRate: 1, errorRate: 0.02, meanLatencyMs: 7080 / 600 },
          health: 'warning',
        },
        {
          kind: 'service', name: 'frontend', id: 'service:frontend', label: 'frontend',
          served: { requests: 0, errors: 0, requestRate: 0, errorRate: 0, meanLatencyMs: null },
          health: 'idle',
        },
      ],
      edges: [
        {
          id: 'service:checkout->external:10.0.0.9:8443#http1', source: 'service:checkout', target: 'external:10.0.0.9:8443',
          protocol: 'http1',
          metrics: { requests: 60, errors: 0, requestRate: 0.1, errorRate: 0, meanLatencyMs: 1500 },
          statusClasses: { ...noStatus, '2xx': 60 },
          health: 'warning',
        },
        {
          id: 'service:frontend->service:checkout#http1', source: 'service:frontend', target: 'service:checkout',
          protocol: 'http1',
          metrics: { requests: 600, errors: 12, requestRate: 1, errorRate: 0.02, meanLatencyMs: 7080 / 600 },
          statusClasses: { ...noStatus, '2xx': 588, '5xx': 12 },
          health: 'warning',
        },
      ],
    });
  });

  it('grades Redis, SQL and DNS edges by server-side failures only, with their calls by outcome class', async () => {
    const { db } = database();
    await seedShop(db);
    const web = { kind: 'service', name: 'web' } as const;
    const row = (server: string, protocol: 'redis' | 'pgsql' | 'dns', statusClass: 'ok' | 'client_error' | 'server_error' | 'other', requests: number, errors = 0) =>
      edge({ client: web, server: { kind: 'service', name: server }, protocol, method: 'GET', statusClass, requests, errors, bucketStart: NOW - 60_000, latencySumMs: requests });
    await callerFor(db).ingest.batch(batch([
      // WRONGTYPE replies are the caller's mistake: the cache stays healthy.
      row('cache', 'redis', 'ok', 90), row('cache', 'redis', 'client_error', 10),
      // 2 serialization failures in 100 queries: critical (≥ 5 %) would be wrong, warning (≥ 1 %) is right.
      row('db', 'pgsql', 'ok', 95), row('db', 'pgsql', 'client_error', 3), row('db', 'pgsql', 'server_error', 2, 2),
      // NXDOMAIN answers from search-path expansion, and 1 query in 200 never answered.
      row('dns', 'dns', 'ok', 140), row('dns', 'dns', 'client_error', 59), row('dns', 'dns', 'other', 1, 1),
    ]));
    const graph = await (await userCaller(db)).topology.get(SEED_WINDOW);
    const edges = Object.fromEntries(graph.edges.filter((e) => e.source === 'service:web').map((e) => [e.protocol, e]));
    expect(Object.fromEntries(Object.entries(edges).map(([protocol, e]) => [protocol, [e.health, e.metrics.errorRate, e.statusClasses]]))).toEqual({
      redis: ['healthy', 0, { ...noStatus, ok: 90, client_error: 10 }],
      pgsql: ['warning', 0.02, { ...noStatus, ok: 95, client_error: 3, server_error: 2 }],
      dns: ['healthy', 0.005, { ...noStatus, ok: 140, client_error: 59, other: 1 }],
    });
  });

  it('returns an empty graph for a window without data', async () => {
    const { db } = database();
    await seedShop(db);
    const window = { from: SEED_WINDOW.to + 60_000, to: SEED_WINDOW.to + 120_000 };
    expect(await (await userCaller(db)).topology.get(window)).toEqual({ ...window, nodes: [], edges: [] });
  });

  it.each([
    ['to before from', { from: 2000, to: 1000 }],
    ['an empty window', { from: 1000, to: 1000 }],
    ['more than 7 days', { from: 0, to: 7 * 86_400_000 + 1 }],
  ])('refuses %s naming `to`', async (_name, window) => {
    const error = await rejectionOf((await userCaller(database().db)).topology.get(window));
    expect({ code: error.code, paths: issuePaths(error) }).toEqual({ code: 'BAD_REQUEST', paths: ['to'] });
  });
});
