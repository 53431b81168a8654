import { describe, expect, it } from 'vitest';
import { classifyHealth, goldenMetrics } from './golden-metrics.js';
import { DEFAULT_HEALTH_THRESHOLDS } from './model.js';

describe('goldenMetrics', () => {
  it('divides requests by the window and errors by requests', () => {
    expect(goldenMetrics({ requests: 600, errors: 6, latencySumMs: 1_200 }, 300)).toEqual({
      requests: 600,
      errors: 6,
      requestRate: 2,
      errorRate: 0.01,
      meanLatencyMs: 2,
    });
  });

  it('has no mean latency and a zero error rate without requests', () => {
    expect(goldenMetrics({ requests: 0, errors: 0, latencySumMs: 0 }, 60)).toEqual({
      requests: 0,
      errors: 0,
      requestRate: 0,
      errorRate: 0,
      meanLatencyMs: null,
    });
  });
});

describe('classifyHealth', () => {
  const at = (requests: number, errors: number, meanLatencyMs: number) =>
    classifyHealth(goldenMetrics({ requests, errors, latencySumMs: meanLatencyMs * requests }, 10), DEFAULT_HEALTH_THRESHOLDS);

  it('is idle with no requests', () => expect(at(0, 0, 0)).toBe('idle'));
  it('is critical at 5 % errors', () => expect(at(100, 5, 1)).toBe('critical'));
  it('is a warning just under 5 % errors', () => expect(at(1000, 49, 1)).toBe('warning'));
  it('is a warning at 1 % errors', () => expect(at(100, 1, 1)).toBe('warning'));
  it('is healthy just under 1 % errors and 1 s', () => expect(at(1000, 9, 999)).toBe('healthy'));
  it('is a warning at 1000 ms mean latency', () => expect(at(10, 0, 1000)).toBe('warning'));
  it('puts critical errors above slow latency', () => expect(at(10, 1, 5000)).toBe('critical'));
});
