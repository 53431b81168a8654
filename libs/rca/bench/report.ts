import { performance } from 'node:perf_hooks';
import { MetricWindows, type RcaTopology, edgeEntity } from '../src/demarcate/model.js';
import { DrainMiner } from '../src/logs/drain.js';
import { buildReport } from '../src/report/build.js';

/** Same shape as tools/src/bench.ts's BenchFigure (libs do not import tools). */
export interface ReportBenchFigure {
  bench: 'rca';
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

const BASELINE_POINTS = 360; // 1 h at 10 s
const WINDOW_POINTS = 30; // 5 min at 10 s

/** Deterministic PRNG (mulberry32) so every run measures the same topology. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 200 services in a call tree (fan-out 3, plus cross calls), 20 machines, golden + resource series on
 * every service, latency + network series on every call; a network fault on one deep call whose
 * latency climbs to the entry. Latency comes as p99 and as the mean per request, as the API ships it,
 * so the report runs the call-graph attribution too.
 */
export function generateIncident(services = 200, seed = 7): { topology: RcaTopology; metrics: MetricWindows; entry: string; culprit: string } {
  const random = rng(seed);
  const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
  const machines = Array.from({ length: 20 }, (_, i) => `node-${i}`);
  const calls: Array<{ from: string; to: string }> = [];
  for (let i = 1; i < services; i++) calls.push({ from: `svc-${Math.floor((i - 1) / 3)}`, to: `svc-${i}` });
  for (let i = 0; i < services / 4; i++) {
    const from = Math.floor(random() * services);
    const to = Math.floor(random() * services);
    if (to > from) calls.push({ from: `svc-${from}`, to: `svc-${to}` });
  }
  const runsOn = names.map((service, i) => ({ service, machine: machines[i % machines.length] ?? 'node-0' }));
  const culprit = `svc-${services - 1}`;
  const onPath = new Set<string>();
  for (let i = services - 1; i > 0; i = Math.floor((i - 1) / 3)) onPath.add(`svc-${i}`);
  onPath.add('svc-0');

  const noisy = (level: number, n: number) => Array.from({ length: n }, () => level * (1 + 0.05 * (random() - 0.5)));
  const metrics = new MetricWindows();
  const put = (kind: 'service' | 'edge' | 'machine', entity: string, metric: string, level: number, now: number) =>
    metrics.set({ kind, entity, metric }, { baseline: noisy(level, BASELINE_POINTS), window: noisy(now, WINDOW_POINTS) });
  for (const s of names) {
    put('service', s, 'latency_p99', 0.1, onPath.has(s) ? 0.6 : 0.1);
    put('service', s, 'latency', 0.05, onPath.has(s) ? 0.3 : 0.05);
    for (const [m, level] of [['cpu', 0.3], ['memory', 2e8], ['error_rate', 0.01], ['requests', 100]] as const) put('service', s, m, level, level);
  }
  const culpritCaller = `svc-${Math.floor((services - 2) / 3)}`;
  for (const c of calls) {
    const e = edgeEntity(c.from, c.to);
    const hot = onPath.has(c.from) && onPath.has(c.to);
    put('edge', e, 'latency_p99', 0.08, hot ? 0.55 : 0.08);
    put('edge', e, 'latency', 0.04, hot ? 0.28 : 0.04);
    put('edge', e, 'retransmits', 1, c.from === culpritCaller && c.to === culprit ? 30 : 1);
    put('edge', e, 'srtt', 0.0005, 0.0005);
  }
  for (const m of machines) {
    put('machine', m, 'cpu', 0.4, 0.4);
    put('machine', m, 'memory', 0.5, 0.5);
  }
  return { topology: { services: names, machines, calls, runsOn }, metrics, entry: 'svc-0', culprit };
}

/** `report_ms_200_services`: median wall time of a full report over the generated incident. */
export async function* reportBench(): AsyncIterable<ReportBenchFigure> {
  const { topology, metrics, entry, culprit } = generateIncident();
  const logs = new Map([[culprit, Array.from({ length: 2000 }, (_, i) => `upstream timeout after ${i % 97} ms on conn ${i}`)]]);
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    const report = buildReport({ topology, metrics, entry, symptom: 'latency', window: { from: 0, to: 300 }, errorLogs: logs, miner: new DrainMiner() });
    times.push(performance.now() - start);
    const top = report.rootCauses[0];
    if (top?.kind !== 'edge' || top.explainedShare === undefined) throw new Error(`report bench: expected the network edge into ${culprit} first, led by the call-graph attribution, got ${JSON.stringify(top)}`);
  }
  times.sort((a, b) => a - b);
  yield { bench: 'rca', name: 'report_ms_200_services', value: Number((times[2] ?? 0).toFixed(1)), unit: 'ms', goal: 2000, better: 'lower' };
}
