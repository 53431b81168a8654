/**
 * Which charts a report gets: its key series (libs/rca SeriesRef: kind, entity, metric) grouped per
 * entity and turned into `metrics.series` targets, plus the window to draw — the incident with the
 * baseline before it, so the rise is visible against what was normal.
 */
import type { RcaReport } from '@kinsight/rca';
import { entityLabel, metricLabel } from '../insights/exception-format.js';
import { nodeIdOf } from '../insights/entity-links.js';

/** The `target` of a `metrics.series` query. */
export type SeriesTarget =
  | { kind: 'edge'; source: string; target: string }
  | { kind: 'service'; id: string }
  | { kind: 'node'; name: string };

export type ChartKind = 'network' | 'latency' | 'resources';

export interface ChartPlan {
  key: string;
  chart: ChartKind;
  title: string;
  /** the engine's entity this chart is about (`edge` + `gateway->product`) */
  entityKind: string;
  entity: string;
  target: SeriesTarget;
  /** the key metrics this chart shows, with their scores (robust z against the baseline) */
  metrics: Array<{ metric: string; score: number }>;
  role: 'symptom' | 'evidence';
  testId: string;
}

/** Key series the API cannot chart per entity (e.g. a service's CPU): listed as text instead. */
export interface UnchartedSeries {
  kind: string;
  entity: string;
  metric: string;
  score: number;
}

const NETWORK_METRICS = new Set(['retransmits', 'srtt', 'resets', 'drops', 'failed_connects']);
/** The detector's baseline ring: 60 points of 10 s. */
export const BASELINE_MS = 10 * 60_000;
/** How far past the report window the charts follow an incident that may still be going on. */
export const FOLLOW_MS = 5 * 60_000;
const STEP_MS = 10_000;

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function splitEdge(id: string): [string, string] | null {
  const arrow = id.indexOf('->');
  return arrow > 0 && arrow < id.length - 2 ? [id.slice(0, arrow), id.slice(arrow + 2)] : null;
}

export function planCharts(report: Pick<RcaReport, 'keyMetrics' | 'rootCauses' | 'nodeIds'>): { charts: ChartPlan[]; uncharted: UnchartedSeries[] } {
  // The engine copies the API's node ids when it had them; otherwise a bare name is a service.
  const idOf = (name: string) => report.nodeIds?.[name] ?? nodeIdOf(name);
  const charts = new Map<string, ChartPlan>();
  const uncharted: UnchartedSeries[] = [];
  const suspectEdges = new Set(report.rootCauses.filter((c) => c.kind === 'edge').map((c) => c.id));

  const chartFor = (key: string, make: () => Omit<ChartPlan, 'key' | 'metrics' | 'testId'>) => {
    let plan = charts.get(key);
    if (!plan) {
      const made = make();
      plan = { key, metrics: [], testId: `report-chart-${made.chart}-${slug(key.slice(key.indexOf(':') + 1))}`, ...made };
      charts.set(key, plan);
    }
    return plan;
  };

  const edgeChart = (entity: string, role: ChartPlan['role']) => {
    const ends = splitEdge(entity);
    if (!ends) return null;
    const label = entityLabel('edge', entity);
    const target: SeriesTarget = { kind: 'edge', source: idOf(ends[0]), target: idOf(ends[1]) };
    return chartFor(`edge:${entity}`, () => ({ chart: 'network', title: `${label}: response time and TCP retransmits`, entityKind: 'edge', entity, target, role }));
  };

  for (const ref of report.keyMetrics) {
    const item = { metric: ref.metric, score: ref.score };
    if (ref.kind === 'edge') {
      const isNetwork = NETWORK_METRICS.has(ref.metric) || suspectEdges.has(ref.entity);
      const ends = splitEdge(ref.entity);
      if (!ends) {
        uncharted.push({ ...ref });
        continue;
      }
      // Latency of a call that is not under suspicion of the network gets the plain latency chart.
      const plan = isNetwork || charts.has(`edge:${ref.entity}`)
        ? edgeChart(ref.entity, ref.role)
        : chartFor(`edge-latency:${ref.entity}`, () => ({
            chart: 'latency',
            title: `${entityLabel('edge', ref.entity)}: latency`,
            entityKind: 'edge',
            entity: ref.entity,
            target: { kind: 'edge', source: idOf(ends[0]), target: idOf(ends[1]) },
            role: ref.role,
          }));
      plan?.metrics.push(item);
    } else if (ref.kind === 'service' && ref.metric.startsWith('latency')) {
      chartFor(`service:${ref.entity}`, () => ({
        chart: 'latency',
        title: `${entityLabel('service', ref.entity)}: latency of the calls it served`,
        entityKind: 'service',
        entity: ref.entity,
        target: { kind: 'service', id: idOf(ref.entity) },
        role: ref.role,
      })).metrics.push(item);
    } else if (ref.kind === 'machine') {
      chartFor(`machine:${ref.entity}`, () => ({ chart: 'resources', title: `${ref.entity}: CPU and memory`, entityKind: 'machine', entity: ref.entity, target: { kind: 'node', name: ref.entity }, role: ref.role })).metrics.push(item);
    } else {
      uncharted.push({ kind: ref.kind, entity: ref.entity, metric: ref.metric, score: ref.score });
    }
  }
  // A suspect call always gets its network chart, even when the engine listed no series for it.
  for (const edge of suspectEdges) edgeChart(edge, 'evidence');
  // A call whose network chart exists needs no separate latency chart.
  for (const key of [...charts.keys()]) {
    if (!key.startsWith('edge-latency:')) continue;
    const network = charts.get(`edge:${key.slice('edge-latency:'.length)}`);
    const latency = charts.get(key);
    if (network && latency) {
      network.metrics.unshift(...latency.metrics);
      charts.delete(key);
    }
  }
  const order = (p: ChartPlan) => (p.role === 'symptom' ? 0 : 1);
  return { charts: [...charts.values()].sort((a, b) => order(a) - order(b)), uncharted };
}

export interface ChartWindow {
  from: number;
  to: number;
  /** 10 s (the agent's bucket) while that stays under the API's auto cap; else the API picks */
  stepSeconds?: number;
}

/** The incident with its baseline before it, and a little after while it may still be going on. */
export function chartWindow(window: { from: number; to: number }, now: number): ChartWindow {
  const from = Math.floor((window.from - BASELINE_MS) / STEP_MS) * STEP_MS;
  const end = Math.max(window.to, Math.min(now, window.to + FOLLOW_MS));
  const to = Math.ceil((end + 1) / STEP_MS) * STEP_MS;
  return to - from <= 3_600_000 ? { from, to, stepSeconds: STEP_MS / 1000 } : { from, to };
}

export function describeScore(metric: string, score: number): string {
  return `${metricLabel(metric)} (score ${score >= 100 ? Math.round(score) : score.toFixed(1)})`;
}
