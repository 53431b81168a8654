import { type MetricWindows, type RcaTopology, type SeriesWindow, type Symptom, edgeEntity } from '../demarcate/model.js';
import { badDirection } from '../detect/detector.js';
import { floorFor, median, peakScore } from '../detect/robust.js';

/**
 * Service-level attribution on a call graph — the service analogue of the ratio-KPI localizer. A
 * symptom is first turned into an additive quantity: failed requests for availability/error rate
 * (requests × error share), request-seconds for latency (requests × latency). A callee's part of its
 * caller's anomaly is then counted in the caller's own currency: a slow callee serving 3 % of the
 * traffic explains 3 % of the caller's latency move, not all of it, and an asynchronous branch with a
 * handful of slow calls no longer outranks the service that carries the traffic. Each service keeps
 * as its own part what the callees it hands the anomaly on to do not carry, so a relay that merely
 * passes a callee's trouble up scores low and the service that adds the excess scores high.
 */
export interface CallGraphOptions {
  /** peak robust z from which a service or call counts as abnormal (the demarcation's 3) */
  threshold: number;
  /** a callee carries its caller's anomaly when its excess is at least this share of the caller's (the demarcation's 0.2) */
  minShare: number;
}

export const DEFAULT_CALL_GRAPH_OPTIONS: CallGraphOptions = { threshold: 3, minShare: 0.2 };

export interface ServiceAttribution {
  service: string;
  /** excess arriving at the service's callers: request-seconds or failed requests over the window */
  excess: number;
  /** the part of the entry's excess this service adds itself (its excess less what it hands on); null = not comparable */
  ownShare: number | null;
  /** peak robust z of the symptom on the service or the call into it */
  score: number;
  /** entry → … → service along propagating calls */
  path: string[];
}

/** An excess in request units (comparable across services) or, without a request series, a plain sum. */
interface Excess {
  value: number;
  weighted: boolean;
}

/**
 * The series that carries the symptom as a mean per request, so that requests × value is additive:
 * mean latency (sum/count), availability and error rate (shares of requests). Percentiles are not
 * means — requests × p90 adds up to nothing — so a symptom seen only as percentiles has no currency.
 */
const ADDITIVE_METRIC: Record<Symptom, string | null> = { latency: 'latency', errors: 'error_rate', availability: 'availability', traffic: null, any: null };

function symptomSeries(metrics: MetricWindows, kind: 'service' | 'edge', entity: string, symptom: Symptom): { metric: string; series: SeriesWindow } | null {
  const metric = ADDITIVE_METRIC[symptom];
  const series = metric === null ? undefined : metrics.get(kind, entity, metric);
  return metric !== null && series ? { metric, series } : null;
}

/** Whether the symptom is measured as a per-request mean on the entry (else the attribution has no unit). */
export function hasAdditiveSymptom(metrics: MetricWindows, entry: string, symptom: Symptom): boolean {
  return symptomSeries(metrics, 'service', entry, symptom) !== null;
}

/** Larger is worse: the failed share for availability, the value itself for latency and error rate. */
function badness(metric: string, v: number): number {
  return badDirection(metric) === 'down' ? 1 - v : v;
}

/**
 * Σ over the window of requests × (badness − usual badness), the requests being those the serving
 * service answered. Without a request series each point weighs 1.
 */
function excessOf(metrics: MetricWindows, found: { metric: string; series: SeriesWindow } | null, requests: readonly number[] | undefined): Excess | null {
  if (!found) return null;
  const { metric, series } = found;
  const usual = median(series.baseline.map((v) => badness(metric, v)).filter(Number.isFinite));
  if (!Number.isFinite(usual)) return null;
  const weighted = requests !== undefined && requests.some(Number.isFinite);
  // Columns may have dropped different points: align by position only when the lengths agree, else
  // weigh every point by the window's typical request count.
  const typical = weighted ? median(requests.filter(Number.isFinite)) : 1;
  let value = 0;
  series.window.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const r = weighted && requests.length === series.window.length ? (requests[i] ?? typical) : typical;
    if (Number.isFinite(r)) value += Math.max(0, r) * (badness(metric, v) - usual);
  });
  return { value, weighted };
}

/** Peak robust z of the symptom on the service, or on the call into it when that is worse. */
function symptomPeak(metrics: MetricWindows, service: string, caller: string | undefined, symptom: Symptom): number {
  const found = [symptomSeries(metrics, 'service', service, symptom)];
  if (caller !== undefined) found.push(symptomSeries(metrics, 'edge', edgeEntity(caller, service), symptom));
  let best = 0;
  for (const f of found) if (f) best = Math.max(best, peakScore(f.series.baseline, f.series.window, badDirection(f.metric), floorFor(f.metric)));
  return best;
}

function ratio(part: Excess | null, whole: Excess | null): number | null {
  if (!part || !whole || part.weighted !== whole.weighted || whole.value <= 0) return null;
  return part.value / whole.value;
}

/**
 * Walks from the entry to callees that carry the symptom — abnormal by peak z and carrying at least
 * `minShare` of the caller's excess — recursively, and ranks the services reached by the part of the
 * entry's excess they add themselves (capped at all of it: more only means other callers share the
 * service), then by score. A call's excess is measured on the caller's side of the call when that
 * series exists (it includes the network), else on the callee. Null when the entry's symptom is not
 * measured as a per-request mean (`any`, `traffic`, percentiles only): callers keep their own ranking.
 */
export function attributeOnCallGraph(
  topology: RcaTopology,
  metrics: MetricWindows,
  entry: string,
  symptom: Symptom,
  options: CallGraphOptions = DEFAULT_CALL_GRAPH_OPTIONS,
): ServiceAttribution[] | null {
  if (!hasAdditiveSymptom(metrics, entry, symptom)) return null;
  const calleesOf = new Map<string, string[]>();
  for (const c of topology.calls) if (c.from !== c.to) calleesOf.set(c.from, [...(calleesOf.get(c.from) ?? []), c.to]);
  const requestsOf = (s: string) => metrics.get('service', s, 'requests')?.window;
  const served = new Map<string, Excess | null>();
  const servedExcess = (s: string): Excess | null => {
    if (!served.has(s)) served.set(s, excessOf(metrics, symptomSeries(metrics, 'service', s, symptom), requestsOf(s)));
    return served.get(s) ?? null;
  };
  const hopExcess = (from: string, to: string): Excess | null =>
    excessOf(metrics, symptomSeries(metrics, 'edge', edgeEntity(from, to), symptom), requestsOf(to)) ?? servedExcess(to);

  const entryExcess = servedExcess(entry);
  const reached = new Map<string, { arriving: Excess | null; score: number; path: string[]; handedOn: Excess[] }>();
  reached.set(entry, { arriving: entryExcess, score: symptomPeak(metrics, entry, undefined, symptom), path: [entry], handedOn: [] });
  const queue = [entry];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    const at = reached.get(node);
    if (!at) continue;
    for (const callee of calleesOf.get(node) ?? []) {
      if (reached.has(callee)) continue;
      const score = symptomPeak(metrics, callee, node, symptom);
      if (score < options.threshold) continue;
      const arriving = hopExcess(node, callee);
      const local = ratio(arriving, servedExcess(node) ?? at.arriving);
      if (local !== null && local < options.minShare) continue;
      if (arriving) at.handedOn.push(arriving);
      reached.set(callee, { arriving, score, path: [...at.path, callee], handedOn: [] });
      queue.push(callee);
    }
  }
  const result: ServiceAttribution[] = [...reached.entries()].map(([service, r]) => {
    const own = r.arriving ? { value: r.arriving.value - r.handedOn.filter((h) => h.weighted === r.arriving?.weighted).reduce((s, h) => s + Math.max(0, h.value), 0), weighted: r.arriving.weighted } : null;
    const share = ratio(own, entryExcess);
    return { service, excess: r.arriving?.value ?? 0, ownShare: share === null ? null : Math.max(0, share), score: r.score, path: r.path };
  });
  const explained = (a: ServiceAttribution): number => (a.ownShare === null ? 0 : Math.min(1, a.ownShare));
  return result.sort((a, b) => explained(b) - explained(a) || b.score - a.score || a.service.localeCompare(b.service));
}
