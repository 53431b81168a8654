import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MetricWindows, type RcaTopology, edgeEntity } from '../../demarcate/model.js';
import { median } from '../../detect/robust.js';
import { type CsvTable, columns, readCsv } from '../csv.js';
import type { ServiceCase } from './run.js';

/**
 * Nezha (FSE'23): `<day>/metric/<pod>_metric.csv` (60 s), `front_service.csv`, optional
 * `dependency.csv` (calls + service→node IP) and `source_50.csv`/`destination_50.csv` (per-call latency
 * seen by caller / callee), `labels.csv` at the root. Times come from the `Time` column (the
 * `TimeStamp` column is shifted in some files). Baseline = the last 8 min of points before the injection
 * that lie outside every earlier injection's 5-min window (the labels' injection times, as an online
 * system knows its past incidents); window = 5 min after.
 * Nezha carries no TCP metrics, so the call's network time is taken as caller-seen minus callee-seen
 * latency (mapped to `srtt`).
 */
const BASELINE_S = 480;
const WINDOW_S = 300;
const POD_METRICS: Record<string, string> = {
  'CpuUsageRate(%)': 'cpu',
  'MemoryUsageRate(%)': 'memory',
  'PodServerLatencyP90(s)': 'latency_p90',
  'PodWorkload(Ops)': 'requests',
  'PodSuccessRate(%)': 'availability',
};
const NODE_METRICS: Record<string, string> = { 'NodeCpuUsageRate(%)': 'cpu', 'NodeMemoryUsageRate(%)': 'memory' };

export function isNezha(folder: string): boolean {
  return existsSync(join(folder, 'labels.csv')) && readdirSync(folder).some((d) => existsSync(join(folder, d, 'metric')));
}

function timeOf(text: string): number {
  return Date.parse(`${text.slice(0, 19).replace(' ', 'T')}Z`) / 1000;
}

interface Series {
  t: number[];
  values: Map<string, number[]>;
}

function seriesOf(table: CsvTable, timeColumn: string, names: readonly string[]): Series {
  const ti = table.header.indexOf(timeColumn);
  const t = table.rows.map((r) => timeOf(r[ti] ?? ''));
  const values = new Map<string, number[]>();
  for (const name of names) {
    const i = table.header.indexOf(name);
    if (i >= 0) values.set(name, table.rows.map((r) => Number(r[i])));
  }
  return { t, values };
}

/** When a case starts and the injections of the same day before it (their windows are not normal). */
interface CaseTime {
  at: number;
  earlier: readonly number[];
}

function cut(s: Series, name: string, { at, earlier }: CaseTime): { baseline: number[]; window: number[] } | null {
  const v = s.values.get(name);
  if (!v) return null;
  const clean: Array<{ t: number; x: number }> = [];
  const window: number[] = [];
  s.t.forEach((t, i) => {
    const x = v[i];
    if (x === undefined || !Number.isFinite(x)) return;
    if (t >= at && t < at + WINDOW_S) window.push(x);
    else if (t < at - 30 && !earlier.some((e) => t >= e && t < e + WINDOW_S)) clean.push({ t, x });
  });
  // Faults follow each other every few minutes, often on the same pod: the baseline is the last
  // BASELINE_S worth of points outside every earlier injection's window, however far back that reaches.
  const step = median(clean.slice(1).map((p, i) => p.t - (clean[i]?.t ?? p.t)).filter((d) => d > 0));
  const keep = Math.max(1, Math.round(BASELINE_S / (Number.isFinite(step) ? step : 60)));
  const baseline = clean.slice(-keep).map((p) => p.x);
  // A column that never moves (all-zero success rate in Train Ticket) carries no signal.
  const all = [...baseline, ...window];
  if (baseline.length === 0 || window.length === 0 || all.every((x) => x === all[0])) return null;
  return { baseline, window };
}

const FAULT_CLASS = (c: string): string | null =>
  c === 'resource_cpu' || c === 'resource_memory' ? 'cpu' : c === 'network' ? 'network' : 'code';

interface Day {
  pods: Map<string, Series>;
  entry: string;
  front: Series;
  topology: RcaTopology;
  edges: { source: Series | null; destination: Series | null };
}

function loadDay(dir: string): Day {
  const metricDir = join(dir, 'metric');
  const pods = new Map<string, Series>();
  const services: string[] = [];
  const machineOf = new Map<string, string>();
  for (const file of readdirSync(metricDir).sort()) {
    const m = /^(.+)_metric\.csv$/.exec(file);
    if (!m) continue;
    const table = readCsv(join(metricDir, file));
    const pod = m[1] ?? file;
    pods.set(pod, seriesOf(table, 'Time', [...Object.keys(POD_METRICS), ...Object.keys(NODE_METRICS)]));
    // Pod names are <service>-<replicaset hash>-<pod hash>.
    const service = pod.replace(/-[a-z0-9]{8,10}-[a-z0-9]{5}$/, '');
    services.push(service);
  }
  const frontPath = join(metricDir, 'front_service.csv');
  const frontTable = readCsv(frontPath);
  const front = seriesOf(frontTable, 'Time', ['LatencyP50(s)', 'LatencyP90(s)', 'SuccessRate(%)']);
  const named = (frontTable.rows[0]?.[columns(frontTable, frontPath, ['ServiceName']).ServiceName] ?? 'front').toLowerCase();
  const calls: Array<{ from: string; to: string }> = [];
  const depPath = join(metricDir, 'dependency.csv');
  if (existsSync(depPath)) {
    const dep = readCsv(depPath);
    const c = columns(dep, depPath, ['Source', 'Target']);
    for (const r of dep.rows) {
      const from = r[c.Source] ?? '';
      const to = r[c.Target] ?? '';
      if (/^\d+\.\d+\.\d+\.\d+$/.test(to)) machineOf.set(from, to);
      else calls.push({ from, to });
    }
  }
  const entry = services.includes(named) ? named : `${named}-entry`;
  if (calls.length === 0) for (const s of services) if (s !== entry) calls.push({ from: entry, to: s });
  const topology: RcaTopology = {
    services: services.includes(entry) ? services : [entry, ...services],
    machines: [...new Set(machineOf.values())],
    calls,
    runsOn: [...machineOf].map(([service, machine]) => ({ service, machine })),
  };
  const edgeSeries = (file: string) => {
    const p = join(metricDir, file);
    if (!existsSync(p)) return null;
    const t = readCsv(p);
    return seriesOf(t, 'time', t.header.filter((h) => h.includes('_')));
  };
  return { pods, entry, front, topology, edges: { source: edgeSeries('source_50.csv'), destination: edgeSeries('destination_50.csv') } };
}

function caseMetrics(day: Day, at: CaseTime): { metrics: MetricWindows; serviceMetrics: Map<string, string[]> } {
  const metrics = new MetricWindows();
  const serviceMetrics = new Map<string, string[]>();
  for (const [pod, s] of day.pods) {
    const service = pod.replace(/-[a-z0-9]{8,10}-[a-z0-9]{5}$/, '');
    for (const [column, metric] of Object.entries(POD_METRICS)) {
      if (service === day.entry && metric === 'latency_p90' && day.edges.source) continue;
      const cutOut = cut(s, column, at);
      // success rate is a percentage in the files, availability a share (0–1) in our metric model
      const w = cutOut && metric === 'availability' ? { baseline: cutOut.baseline.map((x) => x / 100), window: cutOut.window.map((x) => x / 100) } : cutOut;
      if (!w) continue;
      metrics.set({ kind: 'service', entity: service, metric }, w);
      serviceMetrics.set(service, [...(serviceMetrics.get(service) ?? []), metric]);
    }
    const machine = day.topology.runsOn.find((r) => r.service === service)?.machine;
    if (machine) {
      for (const [column, metric] of Object.entries(NODE_METRICS)) {
        const w = cut(s, column, at);
        if (w) metrics.set({ kind: 'machine', entity: machine, metric }, w);
      }
    }
  }
  // The entry's latency is read in the statistic its calls are measured in (per-call medians when the
  // day has them, else the pods' p90), so the demarcation's ratio test compares like with like: a
  // tail (p90) moves several times more than a median in the same incident.
  const [frontColumn, frontMetric] = day.edges.source ? ['LatencyP50(s)', 'latency_p50'] : ['LatencyP90(s)', 'latency_p90'];
  const latency = cut(day.front, frontColumn, at);
  if (latency) {
    metrics.set({ kind: 'service', entity: day.entry, metric: frontMetric }, latency);
    serviceMetrics.set(day.entry, [...(serviceMetrics.get(day.entry) ?? []).filter((m) => m !== 'latency_p90'), frontMetric]);
  }
  const { source, destination } = day.edges;
  for (const column of source?.values.keys() ?? []) {
    const [from, to] = column.split('_');
    if (!from || !to || !source) continue;
    const seen = cut(source, column, at);
    if (seen) metrics.set({ kind: 'edge', entity: edgeEntity(from, to), metric: 'latency_p50' }, seen);
    const callee = destination ? cut(destination, column, at) : null;
    if (seen && callee && seen.baseline.length === callee.baseline.length && seen.window.length === callee.window.length) {
      const diff = (a: number[], b: number[]) => a.map((x, i) => Math.max(0, x - (b[i] ?? x)));
      metrics.set({ kind: 'edge', entity: edgeEntity(from, to), metric: 'srtt' }, { baseline: diff(seen.baseline, callee.baseline), window: diff(seen.window, callee.window) });
    }
  }
  return { metrics, serviceMetrics };
}

export async function* nezhaCases(folder: string): AsyncIterable<ServiceCase | { dataset: string; setting: string; case: string; error: string }> {
  const labelsPath = join(folder, 'labels.csv');
  const labels = readCsv(labelsPath);
  const c = columns(labels, labelsPath, ['case_id', 'system', 'day', 'inject_ts_metric_clock', 'root_cause_service', 'fault_class']);
  const days = new Map<string, Day | Error>();
  for (const row of labels.rows) {
    const day = row[c.day] ?? '';
    const setting = row[c.system] ?? '';
    const caseId = row[c.case_id] ?? '';
    if (!existsSync(join(folder, day, 'metric'))) continue; // this copy holds only some days
    let loaded = days.get(day);
    if (!loaded) {
      try {
        loaded = loadDay(join(folder, day));
      } catch (err) {
        loaded = err instanceof Error ? err : new Error(String(err));
      }
      days.set(day, loaded);
    }
    if (loaded instanceof Error) {
      yield { dataset: 'nezha', setting, case: caseId, error: `read day ${day}: ${loaded.message}` };
      continue;
    }
    const at = Number(row[c.inject_ts_metric_clock]);
    const earlier = labels.rows.filter((r) => r[c.day] === day).map((r) => Number(r[c.inject_ts_metric_clock])).filter((t) => t < at);
    const { metrics, serviceMetrics } = caseMetrics(loaded, { at, earlier });
    const candidates = loaded.topology.services.filter((s) => serviceMetrics.has(s));
    yield {
      dataset: 'nezha', setting, case: caseId, topology: loaded.topology, metrics, serviceMetrics, entry: loaded.entry,
      symptom: 'latency', candidates, truth: { service: row[c.root_cause_service] ?? '', faultClass: row[c.fault_class] ?? null }, classOf: FAULT_CLASS,
    };
  }
}
