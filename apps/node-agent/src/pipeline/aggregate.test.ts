import { LATENCY_BUCKET_COUNT, latencyBucketIndex } from '@kinsight/topology';
import { describe, expect, it } from 'vitest';
import { type Call, EdgeAggregator, toWireEdges, toWireEndpoints } from './aggregate.js';

const gateway = { kind: 'service', name: 'gateway:7001' } as const;
const product = { kind: 'service', name: 'product:7002' } as const;

function call(overrides: Partial<Call>): Call {
  return {
    client: gateway,
    server: product,
    protocol: 'http1',
    operation: 'GET',
    status: '200',
    error: false,
    route: '/items/{id}',
    startEpochMs: 1_700_000_003_000,
    latencyMs: 10,
    ...overrides,
  };
}

/** A histogram with `counts[i]` calls in the bucket of latency `i`. */
function histogramOf(latencies: number[]): number[] {
  const h = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const l of latencies) h[latencyBucketIndex(l)] = (h[latencyBucketIndex(l)] ?? 0) + 1;
  return h;
}

describe('status classes and errors per protocol', () => {
  it('classes HTTP by status, others by outcome, and never counts a client error as an error', () => {
    const agg = new EdgeAggregator();
    agg.add(call({ status: '404', error: false }));
    agg.add(call({ status: '503', error: true }));
    agg.add(call({ protocol: 'redis', operation: 'GET', status: 'WRONGTYPE Operation against a key', error: true, route: null }));
    agg.add(call({ protocol: 'redis', operation: 'SET', status: 'OOM command not allowed', error: true, route: null }));
    agg.add(call({ protocol: 'pgsql', operation: 'INSERT', status: '23505', error: true, route: null }));
    agg.add(call({ protocol: 'dns', operation: 'A', status: 'NXDOMAIN', error: true, route: null }));
    agg.add(call({ protocol: 'dns', operation: 'A', status: null, error: true, route: null }));
    const rows = agg.drain().edges.map((e) => `${e.protocol} ${e.statusClass} ${e.requests}/${e.errors}`).sort();
    expect(rows).toEqual([
      'dns client_error 1/0',
      'dns other 1/1',
      'http1 4xx 1/0',
      'http1 5xx 1/1',
      'pgsql client_error 1/0',
      'redis client_error 1/0',
      'redis server_error 1/1',
    ]);
  });
});

describe('EdgeAggregator', () => {
  it('sums requests, errors, latency and a mergeable histogram per bucket, edge, operation and status class', () => {
    const agg = new EdgeAggregator();
    agg.add(call({ latencyMs: 10 }));
    agg.add(call({ latencyMs: 30 }));
    agg.add(call({ status: '503', error: true, latencyMs: 5 }));
    agg.add(call({ startEpochMs: 1_700_000_011_000, latencyMs: 7 })); // next bucket
    const { edges, endpoints } = agg.drain();
    const sorted = edges.sort((a, b) => a.bucketStart - b.bucketStart || a.statusClass.localeCompare(b.statusClass));
    const row = (bucketStart: number, statusClass: string, requests: number, errors: number, latencies: number[]) => ({
      bucketStart, bucketSeconds: 10, client: gateway, server: product, protocol: 'http1', operation: 'GET', statusClass, requests, errors,
      latencySumMs: latencies.reduce((a, b) => a + b, 0), latencyMaxMs: Math.max(...latencies), latencyHistogram: histogramOf(latencies),
    });
    expect(sorted).toEqual([
      row(1_700_000_000_000, '2xx', 2, 0, [10, 30]),
      row(1_700_000_000_000, '5xx', 1, 1, [5]),
      row(1_700_000_010_000, '2xx', 1, 0, [7]),
    ]);
    expect(endpoints.map((e) => [e.route, e.statusClass, e.requests])).toEqual([
      ['/items/{id}', '2xx', 2],
      ['/items/{id}', '5xx', 1],
      ['/items/{id}', '2xx', 1],
    ]);
    expect(agg.size).toBe(0);
  });

  it('aggregates every protocol by its outcome, and sends only operations the API accepts', () => {
    const agg = new EdgeAggregator();
    agg.add(call({ protocol: 'redis', operation: 'GET', status: 'OK', route: null }));
    agg.add(call({ protocol: 'http1', operation: 'GET WITH SPACE', route: null }));
    agg.add(call({ protocol: 'redis', operation: 'GET', status: 'ERR', error: true, route: null }));
    agg.add(call({ protocol: 'dns', operation: 'A', status: 'NXDOMAIN', error: true, route: null }));
    agg.add(call({}));
    const { edges, endpoints } = agg.drain();
    // Redis ERR and DNS NXDOMAIN are the caller's mistakes (client_error), not the server's failures.
    expect(edges.map((e) => [e.protocol, e.operation, e.statusClass, e.requests, e.errors])).toEqual([
      ['redis', 'GET', 'ok', 1, 0],
      ['http1', 'GET WITH SPACE', '2xx', 1, 0],
      ['redis', 'GET', 'client_error', 1, 0],
      ['dns', 'A', 'client_error', 1, 0],
      ['http1', 'GET', '2xx', 1, 0],
    ]);
    expect(toWireEdges(edges).map((e) => [e.protocol, e.method, e.statusClass, e.requests])).toEqual([
      ['redis', 'GET', 'ok', 1],
      ['redis', 'GET', 'client_error', 1],
      ['dns', 'A', 'client_error', 1],
      ['http1', 'GET', '2xx', 1],
    ]);
    expect(toWireEndpoints(endpoints).map((e) => [e.method, e.route])).toEqual([['GET', '/items/{id}']]);
    expect(Object.keys(toWireEdges(edges)[3] ?? {}).sort()).toEqual(
      ['bucketSeconds', 'bucketStart', 'client', 'errors', 'latencyHistogram', 'latencyMaxMs', 'latencySumMs', 'method', 'protocol', 'requests', 'server', 'statusClass'],
    );
  });

  it('drains only buckets that ended before the cut-off', () => {
    const agg = new EdgeAggregator();
    agg.add(call({ startEpochMs: 1_700_000_003_000, route: null }));
    agg.add(call({ startEpochMs: 1_700_000_012_000, route: null }));
    expect(agg.drain(1_700_000_015_000).edges.map((r) => r.bucketStart)).toEqual([1_700_000_000_000]);
    expect(agg.size).toBe(1);
  });

  it('counts runs of calls on one edge into the row their key names, across peers built anew per call', () => {
    const agg = new EdgeAggregator();
    const external = (address: string) => ({ kind: 'external', address }) as const;
    const calls = [
      call({}), call({ client: { kind: 'service', name: 'gateway:7001' } }), call({ route: '/other' }), call({}),
      call({ client: external('10.0.0.9:5000') }), call({ client: external('10.0.0.9:5000') }), call({ client: { kind: 'service', name: '10.0.0.9:5000' } }),
      call({ server: external('gateway:7001'), route: null }), call({ status: '201' }), call({ startEpochMs: 1_700_000_013_000 }),
    ];
    for (const c of calls) agg.add(c);
    const { edges, endpoints } = agg.drain();
    expect(edges.map((r) => [r.bucketStart, r.client, r.server.kind, r.statusClass, r.requests])).toEqual([
      [1_700_000_000_000, gateway, 'service', '2xx', 5],
      [1_700_000_000_000, external('10.0.0.9:5000'), 'service', '2xx', 2],
      [1_700_000_000_000, { kind: 'service', name: '10.0.0.9:5000' }, 'service', '2xx', 1],
      [1_700_000_000_000, gateway, 'external', '2xx', 1],
      [1_700_000_010_000, gateway, 'service', '2xx', 1],
    ]);
    expect(endpoints.map((r) => [r.bucketStart, r.route, r.requests])).toEqual([
      [1_700_000_000_000, '/items/{id}', 7],
      [1_700_000_000_000, '/other', 1],
      [1_700_000_010_000, '/items/{id}', 1],
    ]);
    // A drained row is gone: the next call on the same edge starts a new one.
    agg.add(call({}));
    expect(agg.drain().edges.map((r) => r.requests)).toEqual([1]);
  });

  it('drops and counts new keys beyond its bound instead of growing', () => {
    const agg = new EdgeAggregator(2);
    agg.add(call({ operation: 'GET', route: null }));
    agg.add(call({ operation: 'POST', route: null }));
    agg.add(call({ operation: 'PUT', route: null }));
    agg.add(call({ operation: 'GET', route: null }));
    expect(agg.size).toBe(2);
    expect(agg.dropped).toBe(1);
    expect(agg.drain().edges.map((r) => [r.operation, r.requests])).toEqual([
      ['GET', 2],
      ['POST', 1],
    ]);
  });
});
