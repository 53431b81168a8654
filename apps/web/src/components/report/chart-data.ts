/**
 * The lines of a report chart, from one of two sources: the series the engine scored (a SeriesRef's
 * `points` and `baseline`, when the report carries them — exactly what it compared) or, for older
 * reports and series it did not keep, the API's `metrics.series` over the chart window.
 */
import type { SeriesRef } from '@kinsight/rca';
import {
  latencyOption,
  networkResponseOption,
  resourceOption,
  type ChartLine,
  type IncidentWindow,
  type NetworkResponseLines,
  type ResourceLines,
  type TimedValue,
} from '../charts/report-options.js';
import type { ChartOption } from '../charts/options.js';
import type { ChartPlan } from './key-charts.js';

export type ChartData =
  | { chart: 'network'; lines: NetworkResponseLines }
  | { chart: 'latency'; lines: ChartLine[] }
  | { chart: 'resources'; lines: ResourceLines };

/** Latency metric names, most telling first, with what the legend calls them. */
const LATENCY_METRICS: ReadonlyArray<[string, string]> = [
  ['latency_p99', 'p99'],
  ['latency_p95', 'p95'],
  ['latency_p90', 'p90'],
  ['latency_p50', 'p50'],
  ['latency', 'mean'],
];

function refLine(ref: SeriesRef | undefined, name: string): ChartLine | null {
  if (!ref?.points || ref.points.length === 0) return null;
  return { name, points: ref.points.map((p) => ({ ts: p.ts, value: p.value })), baseline: ref.baseline };
}

/** The plan's lines from the report's own series; null when it carries none for the chart's main line. */
export function chartDataFromReport(plan: ChartPlan, keyMetrics: readonly SeriesRef[]): ChartData | null {
  const refs = keyMetrics.filter((r) => r.kind === plan.entityKind && r.entity === plan.entity);
  const byMetric = (metric: string) => refs.find((r) => r.metric === metric);
  const latencies = LATENCY_METRICS.map(([metric, label]) => refLine(byMetric(metric), label)).filter((l) => l !== null);
  if (plan.chart === 'network') {
    const [response] = latencies;
    if (!response) return null;
    return {
      chart: 'network',
      lines: {
        response: { ...response, name: `Response time ${response.name}` },
        retransmits: refLine(byMetric('retransmits'), 'Retransmits'),
        srtt: refLine(byMetric('srtt'), 'RTT'),
      },
    };
  }
  if (plan.chart === 'latency') return latencies.length > 0 ? { chart: 'latency', lines: latencies } : null;
  const cpu = refLine(byMetric('cpu'), 'CPU');
  const memory = refLine(byMetric('memory'), 'Memory');
  return cpu || memory ? { chart: 'resources', lines: { cpu, memory } } : null;
}

/** The fields report charts read from one `metrics.series` point (RED, network or resources). */
export interface ApiSeriesPoint {
  ts: number;
  meanLatencyMs?: number | null;
  p50Ms?: number | null;
  p99Ms?: number | null;
  network?: { retransmits: number; srttMeanMs: number | null };
  resources?: { cpuCores: number; memoryBytesMean: number | null };
}

function apiLine(points: readonly ApiSeriesPoint[], name: string, pick: (p: ApiSeriesPoint) => number | null | undefined): ChartLine {
  return { name, points: points.map((p): TimedValue => ({ ts: p.ts, value: pick(p) ?? null })) };
}

const hasValues = (line: ChartLine) => line.points.some((p) => p.value !== null);

/** The plan's lines from `metrics.series`: p99 from histograms when the agent sent them, else the mean. */
export function chartDataFromSeries(plan: ChartPlan, points: readonly ApiSeriesPoint[]): ChartData {
  const p99 = apiLine(points, 'p99', (p) => p.p99Ms);
  const p50 = apiLine(points, 'p50', (p) => p.p50Ms);
  const mean = apiLine(points, 'mean', (p) => p.meanLatencyMs);
  if (plan.chart === 'network') {
    const withNetwork = points.some((p) => p.network !== undefined);
    return {
      chart: 'network',
      lines: {
        response: hasValues(p99) ? { ...p99, name: 'Response time p99' } : { ...mean, name: 'Response time mean' },
        retransmits: withNetwork ? apiLine(points, 'Retransmits', (p) => p.network?.retransmits) : null,
        srtt: withNetwork ? apiLine(points, 'RTT', (p) => p.network?.srttMeanMs) : null,
      },
    };
  }
  if (plan.chart === 'latency') return { chart: 'latency', lines: hasValues(p99) ? [p99, p50, mean] : [mean] };
  return {
    chart: 'resources',
    lines: { cpu: apiLine(points, 'CPU', (p) => p.resources?.cpuCores), memory: apiLine(points, 'Memory', (p) => p.resources?.memoryBytesMean) },
  };
}

export function chartOption(data: ChartData, incident: IncidentWindow): ChartOption {
  switch (data.chart) {
    case 'network':
      return networkResponseOption(data.lines, incident);
    case 'latency':
      return latencyOption(data.lines, incident);
    case 'resources':
      return resourceOption(data.lines, incident);
  }
}

/** Steps drawn and steps with a value, for the chart host's data attributes (tests read them). */
export function chartCounts(data: ChartData): { pointCount: number; valuePointCount: number } {
  const lines: ChartLine[] =
    data.chart === 'network'
      ? [data.lines.response, ...(data.lines.retransmits ? [data.lines.retransmits] : [])]
      : data.chart === 'latency'
        ? data.lines
        : [data.lines.cpu, data.lines.memory].filter((l) => l !== null);
  const steps = new Set<number>();
  const withValue = new Set<number>();
  for (const l of lines) {
    for (const p of l.points) {
      steps.add(p.ts);
      if (p.value !== null) withValue.add(p.ts);
    }
  }
  return { pointCount: steps.size, valuePointCount: withValue.size };
}
