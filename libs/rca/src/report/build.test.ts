import { describe, expect, it } from 'vitest';
import { DrainMiner } from '../logs/drain.js';
import { buildReport, summarizeReport } from './build.js';
import { MetricWindows } from '../demarcate/model.js';
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

describe('report for a dashboard: series with times, node ids, mined templates', () => {
  // the seed's windows with times: 30 baseline points then 6 window points, 10 s apart from t=0
  const timed = new MetricWindows();
  const base = seedMetrics();
  for (const [kind, entity, metric] of [
    ['service', 'gateway', 'latency_p99'], ['service', 'product', 'latency_p99'], ['edge', 'gateway->product', 'latency_p99'],
    ['edge', 'gateway->product', 'retransmits'], ['service', 'product', 'cpu'],
  ] as const) {
    const s = base.get(kind, entity, metric);
    if (!s) throw new Error(`seed lacks ${kind} ${entity} ${metric}`);
    timed.set({ kind, entity, metric }, { ...s, times: { baseline: s.baseline.map((_, i) => i * 10_000), window: s.window.map((_, i) => 300_000 + i * 10_000) } });
  }
  const report = buildReport({
    topology: { ...SEED_TOPOLOGY, nodeIds: { gateway: 'service:gateway', product: 'service:product', auth: 'service:auth' } },
    metrics: timed,
    entry: 'gateway',
    symptom: 'latency',
    window: { from: 300_000, to: 360_000 },
    templateCounts: new Map([['product', [{ template: 'pool exhausted <*>', count: 3, example: 'pool exhausted <*>' }, { template: 'retry <*>', count: 7, example: 'retry <*>' }]]]),
    errorLogCounts: new Map([['product', 0]]),
  });

  it('carries each key series’ points and baseline level', () => {
    const retransmits = report.keyMetrics.find((k) => k.metric === 'retransmits');
    expect(retransmits?.points).toHaveLength(36);
    expect(retransmits?.points?.[30]).toEqual({ ts: 300_000, value: expect.closeTo(24, 0) });
    expect(retransmits?.baseline).toBeCloseTo(1, 1);
  });

  it('names the node ids of what it mentions and lists the suspect’s mined templates, most frequent first', () => {
    expect(report.nodeIds).toEqual({ gateway: 'service:gateway', product: 'service:product' });
    expect(report.logTemplates.map((t) => [t.template, t.count])).toEqual([['retry <*>', 7], ['pool exhausted <*>', 3]]);
    // zero error lines beyond the usual: the code-error branch has no evidence and the network still wins
    expect(report.faultClass).toBe('network');
  });
});

