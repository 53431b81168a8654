import { describe, expect, it } from 'vitest';
import { BASELINE_MS, chartWindow, describeScore, planCharts } from './key-charts.js';
import { GATEWAY_NETWORK_REPORT } from './report-fixture.js';

describe('planCharts', () => {
  it("gives the seed case the entry's latency and the suspect call's response time with retransmits", () => {
    const { charts, uncharted } = planCharts(GATEWAY_NETWORK_REPORT);
    expect(charts).toEqual([
      {
        key: 'service:gateway',
        chart: 'latency',
        title: 'gateway: latency of the calls it served',
        entityKind: 'service',
        entity: 'gateway',
        target: { kind: 'service', id: 'service:gateway' },
        metrics: [{ metric: 'latency_p99', score: 83.957 }],
        role: 'symptom',
        testId: 'report-chart-latency-gateway',
      },
      {
        key: 'edge:gateway->product',
        chart: 'network',
        title: 'gateway → product: response time and TCP retransmits',
        entityKind: 'edge',
        entity: 'gateway->product',
        target: { kind: 'edge', source: 'service:gateway', target: 'service:product' },
        metrics: [{ metric: 'latency_p99', score: 101.6 }, { metric: 'retransmits', score: 458.423 }],
        role: 'evidence',
        testId: 'report-chart-network-gateway-product',
      },
    ]);
    expect(uncharted).toEqual([]);
  });

  it('charts machines as resources and lists what the API cannot chart per entity', () => {
    const { charts, uncharted } = planCharts({
      keyMetrics: [
        { kind: 'service', entity: 'product', metric: 'cpu', role: 'evidence', score: 9 },
        { kind: 'machine', entity: 'node-b', metric: 'cpu', role: 'evidence', score: 7 },
      ],
      rootCauses: [],
    });
    expect(charts.map((c) => [c.chart, c.target, c.testId])).toEqual([['resources', { kind: 'node', name: 'node-b' }, 'report-chart-resources-node-b']]);
    expect(uncharted).toEqual([{ kind: 'service', entity: 'product', metric: 'cpu', score: 9 }]);
  });

  it('draws a healthy-network call as plain latency, and merges it when network evidence for it follows', () => {
    const latencyOnly = planCharts({ keyMetrics: [{ kind: 'edge', entity: 'a->b', metric: 'latency_p99', role: 'evidence', score: 5 }], rootCauses: [] });
    expect(latencyOnly.charts.map((c) => [c.key, c.chart])).toEqual([['edge-latency:a->b', 'latency']]);

    const merged = planCharts({
      keyMetrics: [
        { kind: 'edge', entity: 'a->b', metric: 'latency_p99', role: 'evidence', score: 5 },
        { kind: 'edge', entity: 'a->b', metric: 'srtt', role: 'evidence', score: 6 },
      ],
      rootCauses: [],
    });
    expect(merged.charts.map((c) => [c.key, c.chart, c.metrics.map((m) => m.metric)])).toEqual([['edge:a->b', 'network', ['latency_p99', 'srtt']]]);
  });

  it("uses the node ids the engine copied from the API's topology", () => {
    const { charts } = planCharts({ ...GATEWAY_NETWORK_REPORT, nodeIds: { gateway: 'service:gateway', product: 'external:10.0.0.7:80' } });
    expect(charts.map((c) => c.target)).toEqual([
      { kind: 'service', id: 'service:gateway' },
      { kind: 'edge', source: 'service:gateway', target: 'external:10.0.0.7:80' },
    ]);
  });

  it('adds a network chart for a suspect call the key series do not mention', () => {
    const { charts } = planCharts({
      keyMetrics: [],
      rootCauses: [{ rank: 1, kind: 'edge', id: 'gateway->auth', faultClass: 'network', score: 4, summary: '', evidence: {}, treePath: [] }],
    });
    expect(charts.map((c) => [c.chart, c.target])).toEqual([['network', { kind: 'edge', source: 'service:gateway', target: 'service:auth' }]]);
  });
});

describe('chartWindow', () => {
  const from = 1_700_000_000_000;
  it('starts a baseline before the incident and follows it for a while, in 10 s steps', () => {
    expect(chartWindow({ from, to: from + 60_000 }, from + 120_000)).toEqual({ from: from - BASELINE_MS, to: from + 130_000, stepSeconds: 10 });
  });

  it('stops following after five minutes and lets the API pick the step for long incidents', () => {
    expect(chartWindow({ from, to: from + 60_000 }, from + 3_600_000).to).toBe(from + 60_000 + 300_000 + 10_000);
    expect(chartWindow({ from, to: from + 2 * 3_600_000 }, from + 2 * 3_600_000)).toEqual({ from: from - BASELINE_MS, to: from + 2 * 3_600_000 + 10_000 });
  });
});

describe('describeScore', () => {
  it('names the metric and its score', () => {
    expect(describeScore('retransmits', 458.4)).toBe('TCP retransmits (score 458)');
    expect(describeScore('latency_p99', 8.44)).toBe('Latency p99 (score 8.4)');
  });
});
