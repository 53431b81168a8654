import { MetricWindows, type RcaTopology } from '../demarcate/model.js';
import type { EntityKind } from '../detect/detector.js';

/** Deterministic wiggle around a level: ±2 %, so MAD is not zero and nothing is random. */
export function flat(level: number, n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => level * (1 + 0.02 * Math.sin(i * 1.7 + phase)));
}

export const SEED_TOPOLOGY: RcaTopology = {
  services: ['gateway', 'product', 'auth', 'inventory'],
  machines: ['node-a', 'node-b'],
  calls: [
    { from: 'gateway', to: 'product' },
    { from: 'gateway', to: 'auth' },
    { from: 'product', to: 'inventory' },
  ],
  runsOn: [
    { service: 'gateway', machine: 'node-a' },
    { service: 'auth', machine: 'node-a' },
    { service: 'product', machine: 'node-b' },
    { service: 'inventory', machine: 'node-b' },
  ],
};

/**
 * The seed's example: gateway latency alert; product slow; the gateway→product call shows
 * retransmits and response time rising together; CPU, memory and errors stay normal everywhere.
 */
export function seedMetrics(): MetricWindows {
  const m = new MetricWindows();
  const put = (kind: EntityKind, entity: string, metric: string, base: number, now: number, phase = 0) =>
    m.set({ kind, entity, metric }, { baseline: flat(base, 30, phase), window: flat(now, 6, phase) });
  put('service', 'gateway', 'latency_p99', 0.12, 0.62);
  put('service', 'product', 'latency_p99', 0.08, 0.5, 1);
  put('service', 'auth', 'latency_p99', 0.02, 0.02, 2);
  put('service', 'inventory', 'latency_p99', 0.03, 0.03, 3);
  put('edge', 'gateway->product', 'latency_p99', 0.09, 0.55, 4);
  put('edge', 'gateway->product', 'retransmits', 1, 24, 5);
  put('edge', 'gateway->product', 'srtt', 0.0004, 0.0004, 6);
  put('edge', 'gateway->auth', 'latency_p99', 0.025, 0.025, 7);
  put('edge', 'gateway->auth', 'retransmits', 1, 1, 8);
  put('edge', 'product->inventory', 'latency_p99', 0.035, 0.036, 9);
  for (const s of ['gateway', 'product', 'auth', 'inventory']) {
    put('service', s, 'cpu', 0.3, 0.31, 10);
    put('service', s, 'memory', 2e8, 2e8, 11);
    put('service', s, 'error_rate', 0.01, 0.01, 12);
    put('service', s, 'requests', 100, 100, 13);
  }
  for (const n of ['node-a', 'node-b']) {
    put('machine', n, 'cpu', 0.4, 0.41, 14);
    put('machine', n, 'memory', 0.5, 0.5, 15);
  }
  return m;
}
