import { describe, expect, it } from 'vitest';
import { entityLabel, formatDuration, formatImpact, formatLifetime, formatTimestamp, kindLabel, metricLabel } from './exception-format.js';

describe('labels', () => {
  it('names entity kinds and metrics as a person reads them', () => {
    expect(kindLabel('edge')).toBe('Connection');
    expect(kindLabel('pod')).toBe('Pod');
    expect(metricLabel('latency_p99')).toBe('Latency p99');
    expect(metricLabel('retransmits')).toBe('TCP retransmits');
    expect(metricLabel('queue_depth')).toBe('queue depth');
  });

  it('draws edges with an arrow and drops node-id prefixes and protocols', () => {
    expect(entityLabel('edge', 'gateway->product')).toBe('gateway → product');
    expect(entityLabel('edge', 'service:gateway->service:product#http1')).toBe('gateway → product');
    expect(entityLabel('service', 'service:gateway')).toBe('gateway');
    expect(entityLabel('machine', 'node-a')).toBe('node-a');
  });
});

describe('formatImpact', () => {
  it('gives the share of traffic and, when known, the requests', () => {
    expect(formatImpact({ share: 0.423, requests: 12_345 })).toBe('42% of traffic · 12,345 requests');
    expect(formatImpact({ share: 1 })).toBe('100% of traffic');
    expect(formatImpact({ share: 0.004 })).toBe('<1% of traffic');
    expect(formatImpact({ share: 0 })).toBe('0% of traffic');
  });
});

describe('durations and times', () => {
  it('keeps the two largest units', () => {
    expect(formatDuration(45_900)).toBe('45 s');
    expect(formatDuration(12 * 60_000 + 59_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(50 * 3_600_000)).toBe('2 d 2 h');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('says whether an exception is still going on', () => {
    expect(formatLifetime(0, null, 240_000)).toBe('ongoing · 4 min');
    expect(formatLifetime(0, 720_000, 9e9)).toBe('lasted 12 min');
  });

  it('shows the time of day for today and the date for older events', () => {
    const now = Date.UTC(2024, 2, 5, 15, 0, 0);
    expect(formatTimestamp(Date.UTC(2024, 2, 5, 9, 3, 7), now, 'UTC')).toBe('09:03:07');
    expect(formatTimestamp(Date.UTC(2024, 2, 3, 23, 59, 1), now, 'UTC')).toBe('3 Mar 23:59:01');
  });
});
