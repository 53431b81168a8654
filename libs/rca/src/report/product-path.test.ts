import { describe, expect, it } from 'vitest';
import { MetricWindows, type RcaTopology } from '../demarcate/model.js';
import { buildReport } from './build.js';
import { SEED_TOPOLOGY, seedMetrics } from './seed-fixture.js';

/**
 * The three localize/ rules as the report applies them itself (the evaluator's `default` is this
 * report, nothing on top): call-graph attribution leads the ranking, memory growth is read on the
 * system's typical container size, and network time counts only when the wire took most of the latency.
 */

const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
/** a baseline with a little spread, so robust z-scores are finite and readable */
const usual = (v: number): number[] => Array.from({ length: 30 }, (_, i) => v * (1 + 0.02 * ((i % 5) - 2)));

describe('ranking led by the call-graph attribution (availability, a per-request mean)', () => {
  // site calls search and a load balancer `lb` known only from the client side (external)
  const topology: RcaTopology = {
    services: ['site', 'search', 'lb'],
    machines: [],
    calls: [{ from: 'site', to: 'search' }, { from: 'site', to: 'lb' }],
    runsOn: [],
    external: ['lb'],
  };
  const m = new MetricWindows();
  const service = (name: string, after: number, requests: number) => {
    m.set({ kind: 'service', entity: name, metric: 'availability' }, { baseline: flat(1, 30), window: flat(after, 4) });
    m.set({ kind: 'service', entity: name, metric: 'requests' }, { baseline: usual(requests), window: flat(requests, 4) });
  };
  // site fails 2.6 % of 650 requests (16.9 a point); search 2 % of 1000 (20); lb 10 % of 40 (4, the biggest drop)
  service('site', 0.974, 650);
  service('search', 0.98, 1000);
  service('lb', 0.9, 40);
  const report = buildReport({ topology, metrics: m, entry: 'site', symptom: 'availability', window: { from: 0, to: 40 } });

  it('lists the services in the order of the share of the entry’s failed requests they add themselves', () => {
    // site relays all of its failed requests (its callees carry more than it has): nothing of its own
    // to blame, so it is not listed ahead — and, being no terminal of the demarcation, not at all
    expect(report.rootCauses.map((c) => [c.id, Number((c.explainedShare ?? -1).toFixed(2))])).toEqual([['search', 1], ['lb', 0.24]]);
    expect(report.rootCauses.map((c) => c.rank)).toEqual([1, 2]);
    // by anomaly score alone the load balancer's 10 % drop would lead
    expect(report.rootCauses[1]?.score).toBeGreaterThan(report.rootCauses[0]?.score ?? Infinity);
    expect(report.summary).toMatch(/^downstream dependency at service search: /);
  });

  it('classifies the services the demarcation did not blame, and says whose evidence each cause read', () => {
    // the demarcation folds lb (an external end point beside a failing instrumented callee); the
    // attribution names it, so the tree classifies it like a terminal
    expect(report.propagation.path).toEqual(['site', 'search']);
    expect(report.rootCauses.map((c) => [c.id, c.service, c.treePath.slice(0, 2).join('>')])).toEqual([
      ['search', 'search', 'entry-abnormal>downstream-abnormal'],
      ['lb', 'lb', 'entry-abnormal>downstream-abnormal'],
    ]);
  });

  it('keeps the demarcation’s order when the symptom is only measured as percentiles', () => {
    const seed = buildReport({ topology: SEED_TOPOLOGY, metrics: seedMetrics(), entry: 'gateway', symptom: 'latency', window: { from: 0, to: 60 } });
    expect(seed.rootCauses.map((c) => `${c.kind}:${c.id}:${c.service ?? ''}`)).toEqual(['edge:gateway->product:product']);
    expect(seed.rootCauses[0]?.explainedShare).toBeUndefined();
  });
});

describe('evidence on yardsticks: a CPU-starved small callee', () => {
  // gateway → cart; cart (an 8 MB container) runs out of CPU; a CPU hog's process adds 10 MB; the
  // caller waits +105 ms, of which 1.7 ms on the wire (queueing in front of the starved server)
  const topology: RcaTopology = {
    services: ['gateway', 'cart', 'catalog', 'orders'],
    machines: [],
    calls: [{ from: 'gateway', to: 'cart' }],
    runsOn: [],
  };
  const m = new MetricWindows();
  const put = (kind: 'service' | 'edge', entity: string, metric: string, baseline: number[], window: number[]) => m.set({ kind, entity, metric }, { baseline, window });
  put('service', 'gateway', 'latency_p50', usual(0.005), flat(0.11, 5));
  put('service', 'cart', 'latency_p50', usual(0.004), flat(0.105, 5));
  put('edge', 'gateway->cart', 'latency_p50', usual(0.005), flat(0.11, 5));
  put('edge', 'gateway->cart', 'srtt', [...flat(0, 29), 0.0001], flat(0.0017, 5));
  put('service', 'cart', 'cpu', usual(0.2), flat(1, 5));
  put('service', 'cart', 'memory', usual(8e6), flat(18e6, 5));
  for (const s of ['gateway', 'catalog', 'orders']) put('service', s, 'memory', usual(3e8), flat(3e8, 5));
  const report = buildReport({ topology, metrics: m, entry: 'gateway', symptom: 'latency', window: { from: 0, to: 50 } });

  it('is CPU, not memory (2.25× its own level) nor network (srtt z in the thousands)', () => {
    expect(m.score('edge', 'gateway->cart', 'srtt')).toBeGreaterThan(1000);
    expect(report.faultClass).toBe('resource_cpu');
    expect(report.rootCauses.map((c) => `${c.kind}:${c.id}`)).toEqual(['service:cart']);
    const evidence = report.rootCauses[0]?.evidence ?? {};
    expect(evidence['edge.rtt_score']).toBe(0);
    // 1 + 10 MB / the typical 300 MB container: the growth that matters to the system
    expect(evidence['suspect.memory_ratio']).toBeCloseTo(1 + 10e6 / 3e8, 2);
    expect(report.classification.path.map((s) => s.nodeId)).toEqual(['entry-abnormal', 'downstream-abnormal', 'cpu-saturation']);
  });

  it('does not chart the gated network time as evidence', () => {
    expect(report.keyMetrics.some((k) => k.metric === 'srtt')).toBe(false);
  });
});
