import { describe, expect, it } from 'vitest';
import { flat, SEED_TOPOLOGY, seedMetrics } from '../report/seed-fixture.js';
import { demarcate } from './demarcate.js';

describe('demarcate', () => {
  it('follows the latency from gateway to product and stops where it no longer propagates', () => {
    const d = demarcate(SEED_TOPOLOGY, seedMetrics(), 'gateway', 'latency');
    expect(d.path).toEqual(['gateway', 'product']);
    expect(d.terminals).toEqual(['product']);
    expect(d.hops.map((h) => [h.from, h.to, Number(h.explainedShare?.toFixed(3))])).toEqual([['gateway', 'product', 0.908]]);
    expect(d.suspects.map((s) => `${s.kind}:${s.id}`)).toEqual(['edge:gateway->product', 'service:product']);
  });

  it('goes one level deeper when inventory carries the anomaly, and looks down at its machine', () => {
    const m = seedMetrics();
    m.set({ kind: 'service', entity: 'inventory', metric: 'latency_p99' }, { baseline: flat(0.03, 30), window: flat(0.4, 6) });
    m.set({ kind: 'edge', entity: 'product->inventory', metric: 'latency_p99' }, { baseline: flat(0.035, 30), window: flat(0.42, 6) });
    m.set({ kind: 'machine', entity: 'node-b', metric: 'cpu' }, { baseline: flat(0.4, 30), window: flat(0.98, 6) });
    const d = demarcate(SEED_TOPOLOGY, m, 'gateway', 'latency');
    expect(d.path).toEqual(['gateway', 'product', 'inventory']);
    expect(d.terminals).toEqual(['inventory']);
    // retransmits are an event count (spread ≥ 1 event), so 1 → 24 scores ~23 and inventory's 13× latency ranks first
    expect(d.suspects.map((s) => `${s.kind}:${s.id}`)).toEqual(['service:inventory', 'edge:gateway->product', 'machine:node-b']);
  });

  it('folds an external end point when an instrumented sibling carries the anomaly, and keeps it when alone', () => {
    // gateway also calls lb, an uninstrumented load balancer seen only from the gateway's side
    const topology = { ...SEED_TOPOLOGY, services: [...SEED_TOPOLOGY.services, 'lb'], calls: [...SEED_TOPOLOGY.calls, { from: 'gateway', to: 'lb' }], external: ['lb'] };
    const m = seedMetrics();
    m.set({ kind: 'service', entity: 'lb', metric: 'latency_p99' }, { baseline: flat(0.1, 30), window: flat(0.7, 6) });
    const d = demarcate(topology, m, 'gateway', 'latency');
    expect(d.terminals).toEqual(['product']);
    expect(d.folded).toEqual(['lb']);
    // product back to normal: the load balancer is the only place the anomaly shows, so it keeps the blame
    m.set({ kind: 'service', entity: 'product', metric: 'latency_p99' }, { baseline: flat(0.08, 30), window: flat(0.08, 6) });
    m.set({ kind: 'edge', entity: 'gateway->product', metric: 'latency_p99' }, { baseline: flat(0.09, 30), window: flat(0.09, 6) });
    const alone = demarcate(topology, m, 'gateway', 'latency');
    expect(alone.terminals).toEqual(['lb']);
    expect(alone.folded).toEqual([]);
  });

  it('refuses a callee whose move explains too little of the caller’s (ratio test)', () => {
    const m = seedMetrics();
    // product slower by 10 ms while gateway is 500 ms slower: abnormal, but not the cause
    m.set({ kind: 'service', entity: 'product', metric: 'latency_p99' }, { baseline: flat(0.08, 30), window: flat(0.09, 6) });
    m.set({ kind: 'edge', entity: 'gateway->product', metric: 'latency_p99' }, { baseline: flat(0.09, 30), window: flat(0.1, 6) });
    const d = demarcate(SEED_TOPOLOGY, m, 'gateway', 'latency');
    expect(d.terminals).toEqual(['gateway']);
    expect(d.hops).toEqual([]);
  });
});
