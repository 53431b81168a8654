import type { Localizer } from '../localizer.js';
import { formatElement } from '../element.js';
import { callNetworkScore } from '../localize/network-share.js';
import { type MetricWindows, type RcaTopology, type Symptom, NETWORK_METRICS, RESOURCE_METRICS, SYMPTOM_METRICS, edgeEntity } from './model.js';

export interface DemarcationConfig {
  /** robust z from which a series counts as abnormal */
  threshold: number;
  /**
   * ratio test: a callee explains its caller when its symptom moved by at least this share of the
   * caller's move (same unit, e.g. seconds of latency); skipped when the deltas are not comparable
   */
  minExplainedShare: number;
  /** optional dimensional localizer over the caller's outbound calls (leaves `callee=<name>`) */
  localizer?: Localizer;
}

export const DEFAULT_DEMARCATION_CONFIG: DemarcationConfig = { threshold: 3, minExplainedShare: 0.2 };

/** One propagating call: the callee carries the caller's anomaly. */
export interface Hop {
  from: string;
  to: string;
  /** symptom score on the call edge or the callee, whichever is larger */
  score: number;
  /** callee move / caller move, null when not comparable */
  explainedShare: number | null;
}

export type SuspectKind = 'service' | 'edge' | 'machine';

export interface Suspect {
  kind: SuspectKind;
  /** service or machine name, or `caller->callee` */
  id: string;
  score: number;
  /** named evidence (robust z-scores and ratios) that put it here */
  evidence: Record<string, number>;
}

export interface Demarcation {
  entry: string;
  symptom: Symptom;
  entryScore: number;
  /** every propagating call, in walk order */
  hops: Hop[];
  /** services where the anomaly stops propagating, strongest first */
  terminals: string[];
  /** external end points not blamed because an instrumented sibling under the same caller carries the anomaly */
  folded: string[];
  /** entry → … → strongest terminal */
  path: string[];
  /** caller of each reached service on the walk (absent for the entry) */
  callerOf: ReadonlyMap<string, string>;
  suspects: Suspect[];
}

/** Largest symptom score of an entity over the metric names that carry the symptom. */
export function symptomScore(metrics: MetricWindows, kind: 'service' | 'edge', entity: string, symptom: Symptom): number {
  let best = 0;
  for (const m of SYMPTOM_METRICS[symptom]) best = Math.max(best, metrics.score(kind, entity, m));
  return best;
}

function symptomDelta(metrics: MetricWindows, kind: 'service' | 'edge', entity: string, symptom: Symptom): number {
  for (const m of SYMPTOM_METRICS[symptom]) {
    const d = metrics.delta(kind, entity, m);
    if (symptom === 'any') return Number.NaN; // mixed units: no ratio test
    if (Number.isFinite(d)) return symptom === 'availability' ? -d : d;
  }
  return Number.NaN;
}

function propagatingCallees(
  metrics: MetricWindows,
  caller: string,
  symptom: Symptom,
  config: DemarcationConfig,
  calleesOf: ReadonlyMap<string, string[]>,
): Hop[] {
  const callerDelta = symptomDelta(metrics, 'service', caller, symptom);
  const hops: Hop[] = [];
  for (const callee of calleesOf.get(caller) ?? []) {
    const score = Math.max(symptomScore(metrics, 'edge', edgeEntity(caller, callee), symptom), symptomScore(metrics, 'service', callee, symptom));
    if (score < config.threshold) continue;
    let d = symptomDelta(metrics, 'edge', edgeEntity(caller, callee), symptom);
    if (!Number.isFinite(d)) d = symptomDelta(metrics, 'service', callee, symptom);
    const share = Number.isFinite(d) && Number.isFinite(callerDelta) && callerDelta > 0 ? d / callerDelta : null;
    if (share !== null && share < config.minExplainedShare) continue;
    hops.push({ from: caller, to: callee, score, explainedShare: share });
  }
  if (!config.localizer || hops.length < 2) return hops;
  // Let the localizer pick which callees explain the caller's move (multi-cause aware).
  const leaves = hops.map((h) => {
    const edge = metrics.get('edge', edgeEntity(caller, h.to), SYMPTOM_METRICS[symptom][0] ?? 'latency');
    const actual = edge ? edge.window.reduce((s, v) => s + v, 0) : h.score;
    const forecast = edge ? (edge.baseline.reduce((s, v) => s + v, 0) / Math.max(1, edge.baseline.length)) * edge.window.length : 0;
    return { attributes: new Map([['callee', h.to]]), actual, forecast };
  });
  const chosen = new Set(config.localizer.localize(leaves).map((r) => r.element));
  const kept = hops.filter((h) => chosen.has(formatElement(new Map([['callee', h.to]]))));
  return kept.length > 0 ? kept : hops;
}

/**
 * An external end point (a load balancer, a remote host) measures what its caller saw of a call, not a
 * server of its own; when the same caller also has an instrumented callee carrying the anomaly, the
 * external is that trouble seen from the client side (often the proxy in front of that very callee,
 * which the call graph may not show), so it is folded instead of blamed. Alone, it keeps the blame.
 */
function foldExternals(topology: RcaTopology, hops: readonly Hop[], terminals: readonly string[]): string[] {
  const external = new Set(topology.external ?? []);
  if (external.size === 0) return [];
  return terminals.filter((t) => {
    if (!external.has(t)) return false;
    const callers = hops.filter((h) => h.to === t).map((h) => h.from);
    return hops.some((h) => callers.includes(h.from) && h.to !== t && !external.has(h.to));
  });
}

/**
 * Walks the topology from an abnormal entry: horizontally to callees that carry the same symptom,
 * recursively, stopping where it no longer propagates; then vertically to the machines of the
 * services reached and across the call edges on the way for network trouble.
 */
export function demarcate(
  topology: RcaTopology,
  metrics: MetricWindows,
  entry: string,
  symptom: Symptom,
  config: DemarcationConfig = DEFAULT_DEMARCATION_CONFIG,
): Demarcation {
  const calleesOf = new Map<string, string[]>();
  for (const c of topology.calls) {
    if (c.from === c.to) continue;
    const list = calleesOf.get(c.from) ?? [];
    list.push(c.to);
    calleesOf.set(c.from, list);
  }
  const machinesOf = new Map<string, string[]>();
  for (const r of topology.runsOn) machinesOf.set(r.service, [...(machinesOf.get(r.service) ?? []), r.machine]);

  const entryScore = symptomScore(metrics, 'service', entry, symptom);
  const hops: Hop[] = [];
  const callerOf = new Map<string, string>();
  const reachScore = new Map<string, number>([[entry, entryScore]]);
  const terminals: string[] = [];
  const stack = [entry];
  const seen = new Set([entry]);
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    const next = propagatingCallees(metrics, node, symptom, config, calleesOf).filter((h) => !seen.has(h.to));
    if (next.length === 0) {
      terminals.push(node);
      continue;
    }
    for (const hop of next) {
      seen.add(hop.to);
      hops.push(hop);
      callerOf.set(hop.to, node);
      reachScore.set(hop.to, hop.score);
      stack.push(hop.to);
    }
  }
  const folded = foldExternals(topology, hops, terminals);
  for (const f of folded) terminals.splice(terminals.indexOf(f), 1);
  terminals.sort((a, b) => (reachScore.get(b) ?? 0) - (reachScore.get(a) ?? 0) || a.localeCompare(b));

  const path: string[] = [];
  for (let at: string | undefined = terminals[0]; at !== undefined; at = callerOf.get(at)) path.unshift(at);

  const suspects: Suspect[] = [];
  for (const service of seen) {
    const evidence: Record<string, number> = { anomaly_score: reachScore.get(service) ?? 0 };
    for (const m of RESOURCE_METRICS) evidence[`${m}_score`] = metrics.score('service', service, m);
    const isTerminal = terminals.includes(service);
    const resource = Math.max(...RESOURCE_METRICS.map((m) => evidence[`${m}_score`] ?? 0));
    // A terminal is where the anomaly ends; inner nodes only relay it unless their own resources broke.
    const score = isTerminal ? (evidence.anomaly_score ?? 0) + resource : resource >= config.threshold ? resource : 0;
    if (score > 0) suspects.push({ kind: 'service', id: service, score, evidence });

    for (const machine of machinesOf.get(service) ?? []) {
      const mEvidence: Record<string, number> = {};
      for (const m of RESOURCE_METRICS) mEvidence[`${m}_score`] = metrics.score('machine', machine, m);
      const mScore = Math.max(...Object.values(mEvidence));
      if (mScore >= config.threshold && !suspects.some((s) => s.kind === 'machine' && s.id === machine)) {
        suspects.push({ kind: 'machine', id: machine, score: mScore, evidence: mEvidence });
      }
    }
  }
  for (const hop of hops) {
    const id = edgeEntity(hop.from, hop.to);
    const evidence: Record<string, number> = { latency_score: symptomScore(metrics, 'edge', id, symptom) };
    // Network time's z alone cannot tell a slow wire from queueing in front of a starved callee: srtt
    // counts only when the network carries most of the latency the caller lost (localize/network-share.ts).
    for (const m of NETWORK_METRICS) evidence[`${m}_score`] = callNetworkScore(metrics, hop.from, hop.to, m);
    const network = Math.max(...NETWORK_METRICS.map((m) => evidence[`${m}_score`] ?? 0));
    if (network >= config.threshold) suspects.push({ kind: 'edge', id, score: network + (evidence.latency_score ?? 0), evidence });
  }
  suspects.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { entry, symptom, entryScore, hops, terminals, folded, path, callerOf, suspects };
}
