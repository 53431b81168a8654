import { describe, expect, it } from 'vitest';
import { GATEWAY_NETWORK_REPORT } from './report-fixture.js';
import { formatEvidence, headline, rankedEvidence } from './report-text.js';

describe('headline', () => {
  it('names the class and the top suspect', () => {
    expect(headline(GATEWAY_NETWORK_REPORT)).toBe('Network problem on the call gateway → product');
    expect(headline({ entry: 'gateway', faultClass: 'resource_cpu', rootCauses: [{ rank: 1, kind: 'machine', id: 'node-b', faultClass: 'resource_cpu', score: 1, summary: '', evidence: {}, treePath: [] }] })).toBe(
      'CPU saturation on the machine node-b',
    );
  });

  it('says so when there is no root cause', () => {
    expect(headline({ entry: 'gateway', faultClass: 'unknown', rootCauses: [] })).toBe('No root cause found for gateway');
  });
});

describe('evidence', () => {
  it('prints integers as they are and other values to three significant digits', () => {
    expect(formatEvidence(2)).toBe('2');
    expect(formatEvidence(458.4234)).toBe('458');
    expect(formatEvidence(0.0591)).toBe('0.0591');
    expect(formatEvidence(1.0204)).toBe('1.02');
  });

  it('orders by magnitude, then name', () => {
    expect(rankedEvidence({ 'a.low': 0.5, 'b.negative': -7, 'c.high': 7, 'd.mid': 3 })).toEqual([
      ['b.negative', -7],
      ['c.high', 7],
      ['d.mid', 3],
      ['a.low', 0.5],
    ]);
  });
});
