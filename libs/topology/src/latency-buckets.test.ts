import { describe, expect, it } from 'vitest';
import {
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  emptyLatencyHistogram,
  latencyBucketIndex,
  latencyQuantileMs,
} from './latency-buckets.js';

describe('latency buckets', () => {
  it('double from 0.5 ms to 65 536 ms with one overflow bucket', () => {
    expect(LATENCY_BUCKET_BOUNDS_MS[0]).toBe(0.5);
    expect(LATENCY_BUCKET_BOUNDS_MS[17]).toBe(65_536);
    expect(LATENCY_BUCKET_COUNT).toBe(19);
    expect(emptyLatencyHistogram()).toEqual(new Array(19).fill(0));
  });

  it('put a latency in the first bucket whose bound it does not exceed', () => {
    expect([0, 0.5, 0.6, 1, 3, 4, 65_536, 70_000].map(latencyBucketIndex)).toEqual([0, 0, 1, 1, 3, 3, 17, 18]);
  });

  it('interpolate quantiles inside the bucket', () => {
    const counts = emptyLatencyHistogram();
    counts[3] = 50; // (2, 4] ms
    counts[4] = 50; // (4, 8] ms
    expect(latencyQuantileMs(counts, 0.5)).toBe(4);
    expect(latencyQuantileMs(counts, 0.75)).toBe(6);
    expect(latencyQuantileMs(counts, 1)).toBe(8);
    expect(latencyQuantileMs(emptyLatencyHistogram(), 0.5)).toBeNull();
    counts[18] = 900;
    expect(latencyQuantileMs(counts, 0.99)).toBe(65_536);
  });
});
