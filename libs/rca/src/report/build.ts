import { type DemarcationConfig, DEFAULT_DEMARCATION_CONFIG, type Demarcation, type SuspectKind, demarcate } from '../demarcate/demarcate.js';
import { type MetricWindows, type RcaTopology, type Symptom, NETWORK_METRICS, SYMPTOM_METRICS, edgeEntity } from '../demarcate/model.js';
import type { EntityKind } from '../detect/detector.js';
import { type Classification, type FaultTree, classify, defaultFaultTree } from '../faulttree/index.js';
import { median } from '../detect/robust.js';
import { type DrainMiner, type TemplateCount, countTemplates } from '../logs/drain.js';
import { attributeOnCallGraph } from '../localize/call-graph.js';
import { callNetworkScore } from '../localize/network-share.js';
import { suspectEvidence } from './evidence.js';
import type { RankedRootCause, RcaReport, RcaReportSummary, SeriesRef, SlowStatement } from './types.js';

export interface ReportInput {
  topology: RcaTopology;
  metrics: MetricWindows;
  entry: string;
  symptom: Symptom;
  window: { from: number; to: number };
  /** error log lines per service inside the window */
  errorLogs?: ReadonlyMap<string, readonly string[]>;
  /** long-lived miner so template shapes stay stable across reports */
  miner?: DrainMiner;
  /**
   * error-log templates per service already mined upstream (the agent masks and hashes lines), with
   * their counts in the window; used instead of mining `errorLogs` for that service
   */
  templateCounts?: ReadonlyMap<string, readonly TemplateCount[]>;
  /**
   * error lines per service to weigh as evidence (`suspect.error_log_count`); a caller with history
   * passes the lines beyond the usual rate. Defaults to the number of `errorLogs` lines.
   */
  errorLogCounts?: ReadonlyMap<string, number>;
  /** slowest datastore statements per service inside the window */
  statements?: ReadonlyMap<string, readonly SlowStatement[]>;
  tree?: FaultTree;
  demarcation?: DemarcationConfig;
  maxRootCauses?: number;
}

const SYMPTOM_WORDS: Record<Symptom, string> = { latency: 'latency', errors: 'error rate', availability: 'availability', traffic: 'traffic', any: 'health' };

/** Network blames the call edge; a resource fault blames the machine when the machine is worse off than the container. */
function targetOf(
  faultClass: string,
  suspect: string,
  demarcation: Demarcation,
  machine: { id: string | undefined; score: number },
  ownResource: number,
): { kind: SuspectKind; id: string } {
  const caller = demarcation.callerOf.get(suspect);
  if (faultClass === 'network' && caller !== undefined) return { kind: 'edge', id: edgeEntity(caller, suspect) };
  if ((faultClass === 'resource_cpu' || faultClass === 'resource_memory') && machine.id !== undefined && machine.score > ownResource) {
    return { kind: 'machine', id: machine.id };
  }
  return { kind: 'service', id: suspect };
}

function bestSymptomSeries(metrics: MetricWindows, kind: EntityKind, entity: string, symptom: Symptom): SeriesRef | null {
  let best: SeriesRef | null = null;
  for (const metric of SYMPTOM_METRICS[symptom]) {
    if (!metrics.get(kind, entity, metric)) continue;
    const score = metrics.score(kind, entity, metric);
    if (!best || score > best.score) best = { kind, entity, metric, role: 'symptom', score };
  }
  return best;
}

type Cause = Omit<RankedRootCause, 'rank'> & { classification: Classification; found: string };

/**
 * One service classified by the fault tree over its evidence, blamed on the service, the call into it
 * (network) or its machine. A terminal scores its anomaly plus its strongest resource signal; a relay
 * only the resource signal, since it merely passes the anomaly on unless its own resources broke.
 */
function serviceCause(input: ReportInput, tree: FaultTree, d: Demarcation, service: string, terminal: boolean): Cause {
  const logs = input.errorLogs?.get(service);
  const statements = input.statements?.get(service);
  const slowest = statements && statements.length > 0 ? Math.max(...statements.map((s) => s.p99Ms)) : undefined;
  const errorLogCount = input.errorLogCounts?.get(service) ?? logs?.length;
  const evidence = suspectEvidence(input.topology, input.metrics, d, service, {
    ...(errorLogCount !== undefined ? { errorLogCount } : {}),
    ...(slowest !== undefined ? { slowestStatementMs: slowest } : {}),
  });
  const classification = classify(tree, evidence);
  const v = evidence.values;
  const machineScore = Math.max(v['machine.cpu_score'] ?? 0, v['machine.memory_score'] ?? 0);
  const own = Math.max(v['suspect.cpu_score'] ?? 0, v['suspect.memory_score'] ?? 0);
  const target = targetOf(classification.faultClass, service, d, { id: evidence.labels?.machine, score: machineScore }, own);
  const caller = d.callerOf.get(service);
  const network = caller === undefined ? 0 : Math.max(0, ...NETWORK_METRICS.map((m) => callNetworkScore(input.metrics, caller, service, m)));
  const resource = Math.max(own, machineScore, target.kind === 'edge' ? network : 0);
  return {
    kind: target.kind,
    id: target.id,
    found: service,
    service,
    faultClass: classification.faultClass,
    score: terminal ? (v['suspect.anomaly_score'] ?? 0) + resource : resource,
    summary: classification.message,
    evidence: v,
    treePath: classification.path.map((s) => s.nodeId),
    classification,
  };
}

/**
 * Ranked causes: with a per-request mean symptom, the call-graph attribution's order leads (who adds
 * the entry's excess, in the entry's own units: request-seconds or failed requests), every service it
 * names classified like a terminal; the demarcation's causes follow by score. A service that adds
 * nothing of its own (its callees carry all of its excess: a relay) does not lead; it keeps its place
 * among the demarcation's causes, if it has one. Without such a symptom (percentiles only, `any`,
 * `traffic`) the attribution has no unit and the demarcation's order stands.
 */
function rankCauses(input: ReportInput, tree: FaultTree, d: Demarcation): Cause[] {
  const causes: Cause[] = [];
  // Terminals end the propagation; relaying services only count when their own resources broke.
  const serviceSuspects = [...new Set([...d.terminals, ...d.suspects.filter((s) => s.kind === 'service').map((s) => s.id)])];
  for (const service of serviceSuspects) causes.push(serviceCause(input, tree, d, service, d.terminals.includes(service)));
  // Machines and network edges off the service set follow.
  for (const s of d.suspects) {
    if (s.kind === 'service' || causes.some((c) => c.id === s.id)) continue;
    const faultClass = s.kind === 'edge' ? 'network' : (s.evidence.memory_score ?? 0) > (s.evidence.cpu_score ?? 0) ? 'resource_memory' : 'resource_cpu';
    const summary = `${s.kind} ${s.id} is abnormal on the propagation path`;
    causes.push({ kind: s.kind, id: s.id, found: s.id, faultClass, score: s.score, summary, evidence: s.evidence, treePath: [], classification: { faultClass, message: summary, path: [], rejected: [] } });
  }
  causes.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));

  const attribution = attributeOnCallGraph(input.topology, input.metrics, input.entry, input.symptom);
  if (!attribution) return distinct(causes);
  const lead = attribution.filter((a) => a.ownShare !== 0).map((a) => {
    const cause = causes.find((c) => c.service === a.service) ?? serviceCause(input, tree, d, a.service, true);
    return a.ownShare === null ? cause : { ...cause, explainedShare: Math.min(1, a.ownShare) };
  });
  // A cause the lead already names (its service, or the same edge or machine) is not listed twice.
  const named = (c: Cause) => lead.some((l) => (c.service !== undefined && l.service === c.service) || (l.kind === c.kind && l.id === c.id));
  return distinct([...lead, ...causes.filter((c) => !named(c))]);
}

/** One cause per blamed thing: two services on one starved machine blame it once, where it ranks first. */
function distinct(causes: readonly Cause[]): Cause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.kind}:${c.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Full report for one incident: demarcation from the entry, a fault-tree classification per suspect,
 * ranked root causes with their evidence (led by the call-graph attribution when the symptom is a
 * per-request mean), the series to draw, log templates and slow statements of the top suspect. Pure:
 * the same input gives the same report.
 */
export function buildReport(input: ReportInput): RcaReport {
  const tree = input.tree ?? defaultFaultTree();
  const d = demarcate(input.topology, input.metrics, input.entry, input.symptom, input.demarcation ?? DEFAULT_DEMARCATION_CONFIG);
  const causes = rankCauses(input, tree, d);
  const top = causes[0];
  const rootCauses: RankedRootCause[] = causes.slice(0, input.maxRootCauses ?? 5).map(({ classification: _c, found: _f, ...c }, i) => ({ rank: i + 1, ...c }));

  const keyMetrics: SeriesRef[] = [];
  const entrySeries = bestSymptomSeries(input.metrics, 'service', input.entry, input.symptom);
  if (entrySeries) keyMetrics.push(entrySeries);
  if (top) {
    const caller = d.callerOf.get(top.found);
    if (caller !== undefined) {
      const edge = edgeEntity(caller, top.found);
      const edgeSymptom = bestSymptomSeries(input.metrics, 'edge', edge, input.symptom);
      if (edgeSymptom) keyMetrics.push({ ...edgeSymptom, role: 'evidence' });
      for (const m of NETWORK_METRICS) {
        const score = callNetworkScore(input.metrics, caller, top.found, m);
        if (score >= (input.demarcation ?? DEFAULT_DEMARCATION_CONFIG).threshold) keyMetrics.push({ kind: 'edge', entity: edge, metric: m, role: 'evidence', score });
      }
    }
    for (const m of ['cpu', 'memory', 'error_rate', 'requests']) {
      if (!input.metrics.get('service', top.found, m)) continue;
      const score = input.metrics.score('service', top.found, m);
      if (score >= 3) keyMetrics.push({ kind: 'service', entity: top.found, metric: m, role: 'evidence', score });
    }
  }

  const phenomenon = `${input.entry} ${SYMPTOM_WORDS[input.symptom]} is abnormal (score ${d.entryScore.toFixed(1)}); ` +
    (d.hops.length > 0 ? `the anomaly propagates along ${d.path.join(' → ')}` : 'no downstream service carries it');
  const summary = top ? `${top.faultClass.replace('_', ' ')} at ${top.kind} ${top.id}: ${top.summary}` : `no root cause found for ${input.entry}`;
  const mined = top ? input.templateCounts?.get(top.found) : undefined;
  const logTemplates = mined
    ? [...mined].sort((a, b) => b.count - a.count || a.template.localeCompare(b.template)).slice(0, 10)
    : top ? countTemplates(input.errorLogs?.get(top.found) ?? [], input.miner).slice(0, 10) : [];
  const slowStatements = top ? [...(input.statements?.get(top.found) ?? [])].sort((a, b) => b.p99Ms - a.p99Ms).slice(0, 5) : [];

  return {
    version: 1,
    entry: input.entry,
    symptom: input.symptom,
    window: input.window,
    phenomenon,
    keyMetrics: keyMetrics.map((ref) => withPoints(input.metrics, ref)),
    summary,
    faultClass: top?.faultClass ?? 'unknown',
    classification: top?.classification ?? { faultClass: 'unknown', message: '', path: [], rejected: [] },
    rootCauses,
    propagation: { path: d.path, hops: d.hops },
    logTemplates,
    slowStatements,
    ...(input.topology.nodeIds ? { nodeIds: mentionedIds(input.topology.nodeIds, input.entry, d, rootCauses) } : {}),
  };
}

/** Attaches the series behind a key metric when the windows carry their times. */
function withPoints(metrics: MetricWindows, ref: SeriesRef): SeriesRef {
  const s = metrics.get(ref.kind, ref.entity, ref.metric);
  if (!s?.times) return ref;
  const points: Array<{ ts: number; value: number }> = [];
  const add = (times: readonly number[], values: readonly number[]) => {
    for (let i = 0; i < Math.min(times.length, values.length); i++) {
      const ts = times[i];
      const value = values[i];
      if (ts !== undefined && value !== undefined && Number.isFinite(value)) points.push({ ts, value });
    }
  };
  add(s.times.baseline, s.baseline);
  add(s.times.window, s.window);
  const baseline = median(s.baseline.filter(Number.isFinite));
  return { ...ref, points, ...(Number.isFinite(baseline) ? { baseline } : {}) };
}

/** Node ids of the entry, the propagation and the root causes (both ends of an edge). */
function mentionedIds(ids: Readonly<Record<string, string>>, entry: string, d: Demarcation, causes: readonly RankedRootCause[]): Record<string, string> {
  const names = new Set([entry, ...d.path, ...d.hops.flatMap((h) => [h.from, h.to])]);
  for (const c of causes) {
    if (c.kind !== 'edge') names.add(c.id);
    else for (const end of c.id.split('->')) names.add(end);
  }
  const out: Record<string, string> = {};
  for (const name of names) {
    const id = ids[name];
    if (id !== undefined) out[name] = id;
  }
  return out;
}

export function summarizeReport(report: RcaReport): RcaReportSummary {
  const top = report.rootCauses[0];
  return {
    entry: report.entry,
    symptom: report.symptom,
    from: report.window.from,
    to: report.window.to,
    faultClass: report.faultClass,
    summary: report.summary,
    topSuspect: top?.id ?? null,
    topSuspectKind: top?.kind ?? null,
    rootCauseCount: report.rootCauses.length,
  };
}
