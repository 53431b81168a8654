import { describe, expect, it } from 'vitest';
import { type Call, EdgeAggregator, isError, statusClassOf } from './aggregate.js';

const gateway = { kind: 'service', name: 'gateway:7001' } as const;
const product = { kind: 'service', name: 'product:7002' } as const;

function call(overrides: Partial<Call>): Call {
  return {
    client: gateway,
    server: product,
    protocol: 'http1',
    method: 'GET',
    status: 200,
    startEpochMs: 1_700_000_003_000,
    latencyMs: 10,
    ...overrides,
  };
}

describe('statusClassOf / isError', () => {
  it('classes statuses and treats unanswered calls as errors', () => {
    expect([101, 200, 302, 404, 503, null, 42].map(statusClassOf)).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx', 'other', 'other']);
    expect([200, 404, 500, 503, null].map(isError)).toEqual([false, false, true, true, true]);
  });
});

describe('EdgeAggregator', () => {
  it('sums requests, errors and latency per bucket, edge, method and status class', () => {
    const agg = new EdgeAggregator();
    agg.add(call({ latencyMs: 10 }));
    agg.add(call({ latencyMs: 30 }));
    agg.add(call({ status: 503, latencyMs: 5 }));
    agg.add(call({ startEpochMs: 1_700_000_011_000, latencyMs: 7 })); // next bucket
    const rows = agg.drain().sort((a, b) => a.bucketStart - b.bucketStart || a.statusClass.localeCompare(b.statusClass));
    expect(rows).toEqual([
      { bucketStart: 1_700_000_000_000, bucketSeconds: 10, client: gateway, server: product, protocol: 'http1', method: 'GET', statusClass: '2xx', requests: 2, errors: 0, latencySumMs: 40, latencyMaxMs: 30 },
      { bucketStart: 1_700_000_000_000, bucketSeconds: 10, client: gateway, server: product, protocol: 'http1', method: 'GET', statusClass: '5xx', requests: 1, errors: 1, latencySumMs: 5, latencyMaxMs: 5 },
      { bucketStart: 1_700_000_010_000, bucketSeconds: 10, client: gateway, server: product, protocol: 'http1', method: 'GET', statusClass: '2xx', requests: 1, errors: 0, latencySumMs: 7, latencyMaxMs: 7 },
    ]);
    expect(agg.size).toBe(0);
  });

  it('drains only buckets that ended before the cut-off', () => {
    const agg = new EdgeAggregator();
    agg.add(call({ startEpochMs: 1_700_000_003_000 }));
    agg.add(call({ startEpochMs: 1_700_000_012_000 }));
    expect(agg.drain(1_700_000_015_000).map((r) => r.bucketStart)).toEqual([1_700_000_000_000]);
    expect(agg.size).toBe(1);
  });

  it('drops and counts new keys beyond its bound instead of growing', () => {
    const agg = new EdgeAggregator(2);
    agg.add(call({ method: 'GET' }));
    agg.add(call({ method: 'POST' }));
    agg.add(call({ method: 'PUT' }));
    agg.add(call({ method: 'GET' }));
    expect(agg.size).toBe(2);
    expect(agg.dropped).toBe(1);
    expect(agg.drain().map((r) => [r.method, r.requests])).toEqual([
      ['GET', 2],
      ['POST', 1],
    ]);
  });
});
