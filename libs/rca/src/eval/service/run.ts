import { performance } from 'node:perf_hooks';
import type { MetricWindows, RcaTopology, Symptom } from '../../demarcate/model.js';
import { badDirection } from '../../detect/detector.js';
import { floorFor, peakScore } from '../../detect/robust.js';
import type { FaultClass } from '../../faulttree/index.js';
import { buildReport } from '../../report/build.js';
import type { RankedRootCause } from '../../report/types.js';

/** One service-level case as an adapter reads it; `truth` is read only by the scoring step. */
export interface ServiceCase {
  dataset: string;
  setting: string;
  case: string;
  topology: RcaTopology;
  metrics: MetricWindows;
  /** metric names present per service, for the full ranking */
  serviceMetrics: ReadonlyMap<string, readonly string[]>;
  entry: string;
  symptom: Symptom;
  /** services that may be blamed (the dataset's answer space) */
  candidates: readonly string[];
  truth: { service: string; faultClass: string | null };
  /** the dataset's name for a tree class, null when the dataset has no such class */
  classOf: (faultClass: FaultClass) => string | null;
  /** maps a ranked entity to the label space (e.g. `carts-db` → `carts`); identity when absent */
  labelOf?: (entity: string) => string;
}

export interface ServiceAnswer {
  ranking: string[];
  faultClass: string | null;
}

export interface ServiceMethod {
  name: string;
  /** whether the method names a fault class (only those get fault_class_acc) */
  classifies: boolean;
  answer(c: ServiceCase): ServiceAnswer;
}

/** A service's strongest deviation over all its series (peak robust z in the bad direction). */
function serviceScore(c: ServiceCase, service: string): number {
  let best = 0;
  for (const metric of c.serviceMetrics.get(service) ?? []) {
    const s = c.metrics.get('service', service, metric);
    if (s) best = Math.max(best, peakScore(s.baseline, s.window, badDirection(metric), floorFor(metric)));
  }
  return best;
}

function fill(c: ServiceCase, head: readonly string[]): string[] {
  const ranking = head.filter((s, i) => c.candidates.includes(s) && head.indexOf(s) === i);
  const rest = c.candidates.filter((s) => !ranking.includes(s)).map((s) => ({ s, score: serviceScore(c, s) }));
  rest.sort((a, b) => b.score - a.score || a.s.localeCompare(b.s));
  return [...ranking, ...rest.map((r) => r.s)];
}

/** NSigma-style baseline: every candidate ranked by its largest robust z over its own series. */
export const nsigmaMethod: ServiceMethod = { name: 'nsigma', classifies: false, answer: (c) => ({ ranking: fill(c, []), faultClass: null }) };

/**
 * The services a ranked root cause names: the service the fault tree read, else (a machine or edge only
 * abnormal on the path) an edge's callee or the services on a machine.
 */
function servicesOf(c: ServiceCase, cause: RankedRootCause): string[] {
  if (cause.service !== undefined) return [cause.service];
  if (cause.kind === 'edge') return [cause.id.split('->')[1] ?? cause.id];
  if (cause.kind === 'machine') return c.topology.runsOn.filter((r) => cause.id.split(', ').includes(r.machine)).map((r) => r.service);
  return [cause.id];
}

/**
 * The product pipeline, exactly as the API runs it: `buildReport` (demarcation from the entry, fault
 * tree per suspect with the memory-growth and network-share yardsticks, ranked root causes led by the
 * call-graph attribution when the entry's symptom is a per-request mean). The ranking is the services
 * its root causes name; the class is that of the first root cause naming a candidate. Candidates the
 * report does not name follow by their own deviation, so AC@k is defined for every k.
 */
export const defaultMethod: ServiceMethod = {
  name: 'default',
  classifies: true,
  answer(c) {
    const report = buildReport({ topology: c.topology, metrics: c.metrics, entry: c.entry, symptom: c.symptom, window: { from: 0, to: 0 }, maxRootCauses: 50 });
    const ranking = fill(c, report.rootCauses.flatMap((r) => servicesOf(c, r)));
    const top = report.rootCauses.find((r) => servicesOf(c, r).some((s) => c.candidates.includes(s)));
    return { ranking, faultClass: top === undefined ? null : c.classOf(top.faultClass) };
  },
};

export type EvalLine = Record<string, string | number>;

const round = (x: number): number => Number(x.toFixed(4));

/** Per-case lines and, per setting and overall, one summary per method (AC@1, AC@3, Avg@5, class accuracy). */
export async function* evaluateServiceCases(cases: AsyncIterable<ServiceCase | { dataset: string; setting: string; case: string; error: string }>, methods: readonly ServiceMethod[]): AsyncIterable<EvalLine> {
  type Tally = { ranks: number[]; classed: number; classRight: number; ms: number };
  const tallies = new Map<string, Tally>();
  const tally = (key: string): Tally => {
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { ranks: [], classed: 0, classRight: 0, ms: 0 }));
    return t;
  };
  let dataset = '';
  const settings: string[] = [];
  let unreadable = 0;
  for await (const c of cases) {
    dataset = c.dataset;
    if (!settings.includes(c.setting)) settings.push(c.setting);
    if ('error' in c) {
      unreadable++;
      yield { dataset: c.dataset, setting: c.setting, case: c.case, error: c.error };
      continue;
    }
    for (const method of methods) {
      let answer: ServiceAnswer;
      const started = performance.now();
      try {
        answer = method.answer(c);
      } catch (err) {
        yield { dataset: c.dataset, setting: c.setting, case: c.case, method: method.name, error: `method failed: ${err instanceof Error ? err.message : String(err)}` };
        continue;
      }
      const ms = performance.now() - started;
      const labelled = [...new Set(answer.ranking.map(c.labelOf ?? ((e: string) => e)))];
      answer = { ...answer, ranking: labelled };
      const rank = answer.ranking.indexOf(c.truth.service) + 1;
      for (const key of c.setting === 'all' ? [`${method.name}\u0000all`] : [`${method.name}\u0000${c.setting}`, `${method.name}\u0000all`]) {
        const t = tally(key);
        t.ranks.push(rank);
        t.ms += ms;
        if (c.truth.faultClass !== null && method.classifies) {
          t.classed++;
          if (answer.faultClass === c.truth.faultClass) t.classRight++;
        }
      }
      yield {
        dataset: c.dataset, setting: c.setting, case: c.case, method: method.name, truth: c.truth.service, rank,
        top5: answer.ranking.slice(0, 5).join(','), ms: round(ms),
        ...(c.truth.faultClass !== null ? { fault_class: c.truth.faultClass, predicted_class: answer.faultClass ?? 'none' } : {}),
      };
    }
  }
  for (const setting of settings.includes('all') ? settings : [...settings, 'all']) {
    for (const method of methods) {
      const t = tallies.get(`${method.name}\u0000${setting}`);
      if (!t || t.ranks.length === 0) continue;
      const ac = (k: number) => t.ranks.filter((r) => r >= 1 && r <= k).length / t.ranks.length;
      yield {
        dataset, setting, method: method.name, cases: t.ranks.length,
        ac1: round(ac(1)), ac3: round(ac(3)), avg5: round((ac(1) + ac(2) + ac(3) + ac(4) + ac(5)) / 5),
        ...(t.classed > 0 ? { fault_class_acc: round(t.classRight / t.classed) } : {}),
        ms_per_case: Number((t.ms / t.ranks.length).toFixed(2)),
        ...(unreadable > 0 && setting === 'all' ? { unreadable } : {}),
      };
    }
  }
}

