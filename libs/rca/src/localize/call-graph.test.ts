import { describe, expect, it } from 'vitest';
import { MetricWindows, type RcaTopology } from '../demarcate/model.js';
import { attributeOnCallGraph } from './call-graph.js';

/** `n` equal points. */
const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
/** a baseline with a little spread, so robust z-scores are finite and readable */
const usual = (v: number): number[] => Array.from({ length: 30 }, (_, i) => v * (1 + 0.02 * ((i % 5) - 2)));

/**
 * site calls search (1000 requests a point), workflow (20 a point, asynchronous in spirit) and, through
 * search, a table. Latency is the mean per request, so requests × latency is request-seconds.
 */
const TOPOLOGY: RcaTopology = {
  services: ['site', 'search', 'workflow', 'table'],
  machines: [],
  calls: [
    { from: 'site', to: 'search' },
    { from: 'site', to: 'workflow' },
    { from: 'search', to: 'table' },
  ],
  runsOn: [],
};

function service(m: MetricWindows, name: string, metric: string, before: number, after: number, requests: number): void {
  // availability sits at 1 when healthy (its spread floor is half a percentage point)
  m.set({ kind: 'service', entity: name, metric }, { baseline: metric === 'availability' ? flat(before, 30) : usual(before), window: flat(after, 4) });
  m.set({ kind: 'service', entity: name, metric: 'requests' }, { baseline: usual(requests), window: flat(requests, 4) });
}

describe('attributeOnCallGraph', () => {
  it('ranks the callee that adds the request-seconds above a slow branch that carries few requests', () => {
    const m = new MetricWindows();
    // search +24 ms on 1000 requests = 24 request-seconds a point, all of site's (700 requests, +34 ms)
    service(m, 'site', 'latency', 0.09, 0.09 + 24 / 700, 700);
    service(m, 'search', 'latency', 0.006, 0.03, 1000);
    // workflow +0.4 s but on 20 requests: 8 request-seconds, a third of site's move
    service(m, 'workflow', 'latency', 1.2, 1.6, 20);
    // table is abnormal (+3.5 ms) but carries 1.75 of search's 24 request-seconds: not a hop
    service(m, 'table', 'latency', 0.014, 0.0175, 500);
    const ranked = attributeOnCallGraph(TOPOLOGY, m, 'site', 'latency');
    expect(ranked?.map((r) => r.service)).toEqual(['search', 'workflow', 'site']);
    expect(ranked?.[0]?.ownShare).toBeCloseTo(1, 2);
    expect(ranked?.[1]?.ownShare).toBeCloseTo(8 / 24, 2);
    // site hands on more than it has (search 24 + workflow 8 > 24): nothing of its own is left
    expect(ranked?.[2]?.ownShare).toBe(0);
  });

  it('scores a relay low and the service behind it high', () => {
    const topology: RcaTopology = { services: ['site', 'gateway', 'search'], machines: [], calls: [{ from: 'site', to: 'gateway' }, { from: 'gateway', to: 'search' }], runsOn: [] };
    const m = new MetricWindows();
    service(m, 'site', 'latency', 0.1, 0.13, 1000);
    service(m, 'gateway', 'latency', 0.05, 0.08, 1000);
    service(m, 'search', 'latency', 0.02, 0.05, 1000);
    const ranked = attributeOnCallGraph(topology, m, 'site', 'latency');
    expect(ranked?.map((r) => [r.service, Number((r.ownShare ?? -1).toFixed(2))])).toEqual([['search', 1], ['gateway', 0], ['site', 0]]);
    expect(ranked?.[0]?.path).toEqual(['site', 'gateway', 'search']);
  });

  it('counts failed requests for availability, so a load balancer with a few failures does not outrank the service behind the errors', () => {
    const topology: RcaTopology = { services: ['site', 'search', 'lb'], machines: [], calls: [{ from: 'site', to: 'search' }, { from: 'site', to: 'lb' }], runsOn: [], external: ['lb'] };
    const m = new MetricWindows();
    // site fails 2.6 % of 650 requests (16.9 a point); search 2 % of 1000 (20); lb 10 % of 40 (4, but the biggest drop)
    service(m, 'site', 'availability', 1, 0.974, 650);
    service(m, 'search', 'availability', 1, 0.98, 1000);
    service(m, 'lb', 'availability', 1, 0.9, 40);
    const ranked = attributeOnCallGraph(topology, m, 'site', 'availability');
    expect(ranked?.map((r) => r.service)).toEqual(['search', 'lb', 'site']);
    expect(ranked?.[1]?.ownShare).toBeCloseTo(4 / 16.9, 2);
    expect(ranked?.[1]?.score).toBeGreaterThan(ranked?.[0]?.score ?? Infinity);
  });

  it('has no unit for percentiles or for the `any` symptom, so callers keep their own ranking', () => {
    const m = new MetricWindows();
    m.set({ kind: 'service', entity: 'site', metric: 'latency_p99' }, { baseline: usual(0.2), window: flat(0.9, 4) });
    expect(attributeOnCallGraph(TOPOLOGY, m, 'site', 'latency')).toBeNull();
    service(m, 'site', 'latency', 0.09, 0.2, 700);
    expect(attributeOnCallGraph(TOPOLOGY, m, 'site', 'any')).toBeNull();
  });

  it('keeps the entry first when no callee carries its anomaly', () => {
    const m = new MetricWindows();
    service(m, 'site', 'latency', 0.09, 0.3, 700);
    service(m, 'search', 'latency', 0.006, 0.006, 1000);
    const ranked = attributeOnCallGraph(TOPOLOGY, m, 'site', 'latency');
    expect(ranked).toEqual([{ service: 'site', excess: expect.any(Number), ownShare: 1, score: expect.any(Number), path: ['site'] }]);
  });
});
