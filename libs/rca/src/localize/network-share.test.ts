import { describe, expect, it } from 'vitest';
import { MetricWindows } from '../demarcate/model.js';
import { gatedNetworkScore, networkShare } from './network-share.js';

const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

/** frontend → cart: caller-seen median latency and network time (caller-seen − callee-seen), seconds */
function call(seenBefore: number, seenAfter: number, wireBefore: number, wireAfter: number): MetricWindows {
  return new MetricWindows()
    .set({ kind: 'edge', entity: 'frontend->cart', metric: 'latency_p50' }, { baseline: flat(seenBefore, 8), window: flat(seenAfter, 5) })
    .set({ kind: 'edge', entity: 'frontend->cart', metric: 'srtt' }, { baseline: [...flat(wireBefore, 7), wireBefore + 0.0001], window: flat(wireAfter, 5) });
}

describe('networkShare', () => {
  it('is the added network time over the added caller-seen latency', () => {
    expect(networkShare({ baseline: [0.005], window: [0.215] }, { baseline: [0], window: [0.21] })).toBeCloseTo(1, 9);
    expect(networkShare({ baseline: [0.005], window: [0.11] }, { baseline: [0], window: [0.0017] })).toBeCloseTo(0.0162, 3);
    expect(networkShare({ baseline: [0.2], window: [0.1] }, { baseline: [0], window: [0.01] })).toBeNaN();
  });
});

describe('gatedNetworkScore', () => {
  it('keeps the network score of a delay injected on the wire', () => {
    const m = call(0.005, 0.215, 0, 0.21);
    expect(gatedNetworkScore(m, 'frontend', 'cart')).toBe(m.score('edge', 'frontend->cart', 'srtt'));
    expect(gatedNetworkScore(m, 'frontend', 'cart')).toBeGreaterThan(3);
  });

  it('drops it when the starved server took the time and the wire only a sliver', () => {
    // +105 ms seen by the caller, +1.7 ms of it between the two ends: the z of 1.7 ms on a ~0 series is huge
    const m = call(0.005, 0.11, 0, 0.0017);
    expect(m.score('edge', 'frontend->cart', 'srtt')).toBeGreaterThan(3);
    expect(gatedNetworkScore(m, 'frontend', 'cart')).toBe(0);
  });

  it('leaves the score alone when the share cannot be measured', () => {
    const m = new MetricWindows().set({ kind: 'edge', entity: 'frontend->cart', metric: 'srtt' }, { baseline: [...flat(0.001, 7), 0.0011], window: flat(0.05, 5) });
    expect(gatedNetworkScore(m, 'frontend', 'cart')).toBe(m.score('edge', 'frontend->cart', 'srtt'));
    expect(gatedNetworkScore(new MetricWindows(), 'frontend', 'cart')).toBe(0);
  });
});
