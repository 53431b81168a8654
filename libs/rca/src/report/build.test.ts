import { describe, expect, it } from 'vitest';
import { DrainMiner } from '../logs/drain.js';
import { buildReport, summarizeReport } from './build.js';
import { SEED_TOPOLOGY, seedMetrics } from './seed-fixture.js';

describe('seed case: gateway latency caused by the network on gateway→product', () => {
  const report = buildReport({
    topology: SEED_TOPOLOGY,
    metrics: seedMetrics(),
    entry: 'gateway',
    symptom: 'latency',
    window: { from: 1000, to: 1060 },
    errorLogs: new Map([['product', ['timeout after 3000 ms calling inventory', 'timeout after 2999 ms calling inventory']]]),
    miner: new DrainMiner(),
    statements: new Map([['product', [{ system: 'sql', statement: 'SELECT * FROM product WHERE id = $1', calls: 40, p99Ms: 12 }]]]),
  });

  it('classifies NETWORK and names the gateway→product edge first', () => {
    expect(report.faultClass).toBe('network');
    expect(report.rootCauses[0]).toMatchObject({ rank: 1, kind: 'edge', id: 'gateway->product', faultClass: 'network' });
    expect(report.rootCauses).toHaveLength(1);
  });

  it('explains itself with the fault-tree path and the evidence each step read', () => {
    expect(report.classification.path.map((s) => s.nodeId)).toEqual(['entry-abnormal', 'downstream-abnormal', 'network-on-call']);
    const network = report.classification.path[2];
    expect(network?.why).toMatch(/^edge\.retransmit_score = [\d.]+ >= 3 and edge\.latency_score = [\d.]+ >= 3$/);
    expect(network?.message).toMatch(/^the call gateway→product shows TCP retransmits \(score [\d.]+\) rising together with its response time/);
    // the default tree follows the first passing child, so nothing after it is tried
    expect(report.classification.rejected).toEqual([]);
  });

  it('shows both series of the edge, the propagation path and the suspect’s logs and statements', () => {
    expect(report.keyMetrics.map((k) => `${k.role}:${k.kind}:${k.entity}:${k.metric}`)).toEqual([
      'symptom:service:gateway:latency_p99',
      'evidence:edge:gateway->product:latency_p99',
      'evidence:edge:gateway->product:retransmits',
    ]);
    expect(report.propagation.path).toEqual(['gateway', 'product']);
    expect(report.propagation.hops.map((h) => `${h.from}->${h.to}`)).toEqual(['gateway->product']);
    expect(report.logTemplates).toEqual([{ template: 'timeout after <*> ms calling inventory', count: 2, example: 'timeout after 3000 ms calling inventory' }]);
    expect(report.slowStatements).toHaveLength(1);
    expect(report.summary.startsWith('network at edge gateway->product: the call gateway→product shows TCP retransmits')).toBe(true);
  });

  it('summarises into a reports-table row', () => {
    expect(summarizeReport(report)).toEqual({
      entry: 'gateway', symptom: 'latency', from: 1000, to: 1060, faultClass: 'network', summary: report.summary,
      topSuspect: 'gateway->product', topSuspectKind: 'edge', rootCauseCount: 1,
    });
  });
});
