import { describe, expect, it } from 'vitest';
import type { SeriesRef } from '@kinsight/rca';
import { chartCounts, chartDataFromReport, chartDataFromSeries, chartOption, type ApiSeriesPoint } from './chart-data.js';
import type { ChartPlan } from './key-charts.js';

const T = 1_700_000_000_000;
const edgePlan: ChartPlan = {
  key: 'edge:gateway->product',
  chart: 'network',
  title: 'gateway → product: response time and TCP retransmits',
  entityKind: 'edge',
  entity: 'gateway->product',
  target: { kind: 'edge', source: 'service:gateway', target: 'service:product' },
  metrics: [],
  role: 'evidence',
  testId: 'report-chart-network-gateway-product',
};
const servicePlan: ChartPlan = { ...edgePlan, key: 'service:gateway', chart: 'latency', entityKind: 'service', entity: 'gateway', target: { kind: 'service', id: 'service:gateway' } };
const machinePlan: ChartPlan = { ...edgePlan, key: 'machine:node-b', chart: 'resources', entityKind: 'machine', entity: 'node-b', target: { kind: 'node', name: 'node-b' } };

const ref = (kind: SeriesRef['kind'], entity: string, metric: string, values: number[], baseline?: number): SeriesRef => ({
  kind,
  entity,
  metric,
  role: 'evidence',
  score: 9,
  points: values.map((value, i) => ({ ts: T + i * 10_000, value })),
  ...(baseline === undefined ? {} : { baseline }),
});

describe('chartDataFromReport', () => {
  it("builds the network chart from the engine's own series: best latency, retransmits, RTT", () => {
    const keyMetrics = [
      ref('edge', 'gateway->product', 'latency', [12, 40]),
      ref('edge', 'gateway->product', 'latency_p95', [20, 90], 20),
      ref('edge', 'gateway->product', 'retransmits', [0, 25], 0),
      ref('edge', 'gateway->auth', 'retransmits', [5, 5]),
    ];
    expect(chartDataFromReport(edgePlan, keyMetrics)).toEqual({
      chart: 'network',
      lines: {
        response: { name: 'Response time p95', points: [{ ts: T, value: 20 }, { ts: T + 10_000, value: 90 }], baseline: 20 },
        retransmits: { name: 'Retransmits', points: [{ ts: T, value: 0 }, { ts: T + 10_000, value: 25 }], baseline: 0 },
        srtt: null,
      },
    });
  });

  it('gives up (null) when the report carries no points for the main line, so the API is asked', () => {
    const withoutPoints: SeriesRef = { kind: 'edge', entity: 'gateway->product', metric: 'latency', role: 'evidence', score: 9 };
    expect(chartDataFromReport(edgePlan, [withoutPoints, ref('edge', 'gateway->product', 'retransmits', [1])])).toBeNull();
    expect(chartDataFromReport(servicePlan, [])).toBeNull();
    expect(chartDataFromReport(machinePlan, [])).toBeNull();
  });

  it('draws every latency the report kept for a service, most telling first', () => {
    const data = chartDataFromReport(servicePlan, [ref('service', 'gateway', 'latency', [5]), ref('service', 'gateway', 'latency_p99', [9])]);
    expect(data?.chart === 'latency' ? data.lines.map((l) => l.name) : null).toEqual(['p99', 'mean']);
  });

  it('draws CPU and memory of a machine', () => {
    const data = chartDataFromReport(machinePlan, [ref('machine', 'node-b', 'cpu', [0.5])]);
    expect(data).toEqual({ chart: 'resources', lines: { cpu: { name: 'CPU', points: [{ ts: T, value: 0.5 }], baseline: undefined }, memory: null } });
  });
});

describe('chartDataFromSeries', () => {
  const edgePoints: ApiSeriesPoint[] = [
    { ts: T, meanLatencyMs: 12, p50Ms: null, p99Ms: null, network: { retransmits: 0, srttMeanMs: 0.4 } },
    { ts: T + 10_000, meanLatencyMs: null, p50Ms: null, p99Ms: null, network: { retransmits: 3, srttMeanMs: null } },
  ];

  it('uses the mean without histograms, and the network columns of an edge', () => {
    expect(chartDataFromSeries(edgePlan, edgePoints)).toEqual({
      chart: 'network',
      lines: {
        response: { name: 'Response time mean', points: [{ ts: T, value: 12 }, { ts: T + 10_000, value: null }] },
        retransmits: { name: 'Retransmits', points: [{ ts: T, value: 0 }, { ts: T + 10_000, value: 3 }] },
        srtt: { name: 'RTT', points: [{ ts: T, value: 0.4 }, { ts: T + 10_000, value: null }] },
      },
    });
  });

  it('uses p99 when histograms exist and p99, p50, mean for latency charts', () => {
    const points: ApiSeriesPoint[] = [{ ts: T, meanLatencyMs: 10, p50Ms: 8, p99Ms: 30 }];
    const network = chartDataFromSeries(edgePlan, points);
    expect(network.chart === 'network' ? [network.lines.response.name, network.lines.retransmits] : null).toEqual(['Response time p99', null]);
    const latency = chartDataFromSeries(servicePlan, points);
    expect(latency.chart === 'latency' ? latency.lines.map((l) => l.name) : null).toEqual(['p99', 'p50', 'mean']);
  });

  it('reads resources of a node', () => {
    const data = chartDataFromSeries(machinePlan, [{ ts: T, resources: { cpuCores: 1.5, memoryBytesMean: null } }]);
    expect(data).toEqual({ chart: 'resources', lines: { cpu: { name: 'CPU', points: [{ ts: T, value: 1.5 }] }, memory: { name: 'Memory', points: [{ ts: T, value: null }] } } });
  });
});

describe('chartOption and chartCounts', () => {
  it('dispatches to the option of the chart kind and counts steps with values', () => {
    const data = chartDataFromSeries(edgePlan, [
      { ts: T, meanLatencyMs: 12, network: { retransmits: 0, srttMeanMs: null } },
      { ts: T + 10_000, meanLatencyMs: null, network: { retransmits: 2, srttMeanMs: null } },
      { ts: T + 20_000, meanLatencyMs: null },
    ]);
    const series = chartOption(data, { from: T, to: T + 10_000 }).series;
    expect(Array.isArray(series) ? series.map((s) => s.name) : null).toEqual(['Response time mean', 'Retransmits']);
    expect(chartCounts(data)).toEqual({ pointCount: 3, valuePointCount: 2 });
  });
});
