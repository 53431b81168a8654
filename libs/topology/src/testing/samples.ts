import { type EdgeSample, type NodeRef } from '../model.js';

export const loadgen: NodeRef = { kind: 'service', name: 'loadgen' };
export const frontend: NodeRef = { kind: 'service', name: 'frontend' };
export const checkout: NodeRef = { kind: 'service', name: 'checkout' };
export const payments: NodeRef = { kind: 'service', name: 'payments' };
export const bank: NodeRef = { kind: 'external', address: '93.184.216.34:443' };

/** A 10-minute window: 600 seconds. */
export const WINDOW = { from: 1_700_000_000_000, to: 1_700_000_600_000 };

/**
 * A shop: loadgen → frontend (healthy) → checkout (2 % errors: warning) → payments (1.5 s: warning)
 * and checkout → bank (1 in 11 failing: critical). loadgen serves nothing, so it is idle.
 */
export const SHOP_SAMPLES: readonly EdgeSample[] = [
  { client: loadgen, server: frontend, protocol: 'http1', statusClass: '2xx', requests: 700, errors: 0, latencySumMs: 17_500 },
  { client: loadgen, server: frontend, protocol: 'http1', statusClass: '2xx', requests: 500, errors: 0, latencySumMs: 12_500 },
  { client: frontend, server: checkout, protocol: 'http1', statusClass: '2xx', requests: 588, errors: 0, latencySumMs: 11_760 },
  { client: frontend, server: checkout, protocol: 'http1', statusClass: '5xx', requests: 12, errors: 12, latencySumMs: 1_200 },
  { client: checkout, server: payments, protocol: 'http1', statusClass: '2xx', requests: 300, errors: 0, latencySumMs: 450_000 },
  { client: checkout, server: bank, protocol: 'http1', statusClass: '2xx', requests: 100, errors: 0, latencySumMs: 5_000 },
  { client: checkout, server: bank, protocol: 'http1', statusClass: '5xx', requests: 10, errors: 10, latencySumMs: 500 },
];
