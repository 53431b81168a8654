import { describe, expect, it } from 'vitest';
import { latencyOption, niceCeiling, requestRateOption, type SeriesPoint } from './options.js';

const points: SeriesPoint[] = [
  { ts: 1_700_000_000_000, requestRate: 2, errorRate: 0, meanLatencyMs: 4.5 },
  { ts: 1_700_000_010_000, requestRate: 3, errorRate: 0.1, meanLatencyMs: 12.25 },
  { ts: 1_700_000_020_000, requestRate: 0, errorRate: 0, meanLatencyMs: null },
  { ts: 1_700_000_030_000, requestRate: 1.5, errorRate: 0.5, meanLatencyMs: 7 },
];

function seriesOf(option: ReturnType<typeof requestRateOption>) {
  const series = option.series;
  if (!Array.isArray(series)) throw new Error('expected an array of series');
  return series.map((s) => ({ name: s.name, type: s.type, data: s.data }));
}

describe('requestRateOption', () => {
  it('plots requests/s and errors/s (rate × error share) per bucket', () => {
    expect(seriesOf(requestRateOption(points))).toEqual([
      {
        name: 'Requests/s',
        type: 'line',
        data: [[1_700_000_000_000, 2], [1_700_000_010_000, 3], [1_700_000_020_000, 0], [1_700_000_030_000, 1.5]],
      },
      {
        name: 'Errors/s',
        type: 'line',
        // 3 × 0.1 is 0.30000000000000004 in floating point; the option carries 0.3.
        data: [[1_700_000_000_000, 0], [1_700_000_010_000, 0.3], [1_700_000_020_000, 0], [1_700_000_030_000, 0.75]],
      },
    ]);
  });

  it('uses a time x-axis and a zero-based y-axis without animation (it redraws every poll)', () => {
    const option = requestRateOption(points);
    expect(option.xAxis).toMatchObject({ type: 'time' });
    expect(option.yAxis).toMatchObject({ type: 'value', min: 0, name: 'req/s' });
    expect(option.animation).toBe(false);
  });

  it('has empty series for no points', () => {
    expect(seriesOf(requestRateOption([])).map((s) => s.data)).toEqual([[], []]);
  });
});

describe('latencyOption', () => {
  it('plots mean latency with a gap (null) where a bucket had no requests', () => {
    const option = latencyOption(points);
    expect(seriesOf(option)).toEqual([
      {
        name: 'Mean latency',
        type: 'line',
        data: [[1_700_000_000_000, 4.5], [1_700_000_010_000, 12.25], [1_700_000_020_000, null], [1_700_000_030_000, 7]],
      },
    ]);
    expect(option.yAxis).toMatchObject({ type: 'value', min: 0, name: 'ms' });
  });
});

describe('niceCeiling', () => {
  it('rounds the y-axis top up to 1, 2 or 5 × 10^n', () => {
    expect([0, 0.03, 1, 1.2, 6.6, 14.4, 480].map(niceCeiling)).toEqual([1, 0.05, 1, 2, 10, 20, 500]);
  });
});
