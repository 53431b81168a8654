import { describe, expect, it } from 'vitest';
import { parseReportDocument } from './report-document.js';
import { GATEWAY_NETWORK_REPORT } from './report-fixture.js';

describe('parseReportDocument', () => {
  it('accepts what the engine writes, after a JSON round trip, and ignores fields it does not read', () => {
    const stored: unknown = JSON.parse(JSON.stringify({ ...GATEWAY_NETWORK_REPORT, addedLater: { x: 1 } }));
    const parsed = parseReportDocument(stored);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.report.rootCauses[0]?.id).toBe('gateway->product');
  });

  it('names the version it cannot read', () => {
    expect(parseReportDocument({ ...GATEWAY_NETWORK_REPORT, version: 2 })).toEqual({
      ok: false,
      error: 'report document version 2 is not one this dashboard reads (expected 1)',
    });
    expect(parseReportDocument('a string')).toEqual({ ok: false, error: 'the report document is not a JSON object' });
  });

  it('names every malformed field', () => {
    const broken = { ...GATEWAY_NETWORK_REPORT, summary: 7, rootCauses: [{ rank: 1 }], propagation: undefined };
    expect(parseReportDocument(broken)).toEqual({
      ok: false,
      error: 'the report document has missing or malformed fields: summary, rootCauses, propagation',
    });
  });

  it('accepts missing evidence values (null) in tree steps', () => {
    const step = { nodeId: 'n', title: 't', passed: false, evidence: { 'edge.rtt_score': null }, why: 'edge.rtt_score missing', message: 'm' };
    const report = { ...GATEWAY_NETWORK_REPORT, classification: { ...GATEWAY_NETWORK_REPORT.classification, rejected: [step] } };
    expect(parseReportDocument(report).ok).toBe(true);
  });
});
