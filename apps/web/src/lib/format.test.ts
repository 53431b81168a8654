import { describe, expect, it } from 'vitest';
import { formatCount, formatLatency, formatPercent, formatRate } from './format.js';

describe('format', () => {
  it('formats request rates with precision that fits the magnitude', () => {
    expect([0, 0.05, 0.1, 12.34, 99.94, 99.96, 150.4].map(formatRate)).toEqual([
      '0 rps', '0.05 rps', '0.1 rps', '12.3 rps', '99.9 rps', '100 rps', '150 rps',
    ]);
  });

  it('formats latency in ms or s, with a dash for no requests', () => {
    expect([null, 0.423, 4.2, 999.4, 1250].map(formatLatency)).toEqual(['–', '0.42 ms', '4 ms', '999 ms', '1.25 s']);
  });

  it('formats error fractions as percentages', () => {
    expect([0, 0.0005, 0.05, 1].map(formatPercent)).toEqual(['0%', '<0.1%', '5.0%', '100.0%']);
  });

  it('groups thousands in counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
