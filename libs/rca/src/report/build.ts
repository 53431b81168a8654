import { type DemarcationConfig, DEFAULT_DEMARCATION_CONFIG, type Demarcation, type SuspectKind, demarcate } from '../demarcate/demarcate.js';
import { type MetricWindows, type RcaTopology, type Symptom, NETWORK_METRICS, SYMPTOM_METRICS, edgeEntity } from '../demarcate/model.js';
import type { EntityKind } from '../detect/detector.js';
import { type Classification, type FaultTree, classify, defaultFaultTree } from '../faulttree/index.js';
import { type DrainMiner, countTemplates } from '../logs/drain.js';
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

/**
 * Full report for one incident: demarcation from the entry, a fault-tree classification per terminal
 * suspect, ranked root causes with their evidence, the series to draw, log templates and slow statements
 * of the top suspect. Pure: the same input gives the same report.
 */
export function buildReport(input: ReportInput): RcaReport {
  const tree = input.tree ?? defaultFaultTree();
  const d = demarcate(input.topology, input.metrics, input.entry, input.symptom, input.demarcation ?? DEFAULT_DEMARCATION_CONFIG);

  const causes: Array<Omit<RankedRootCause, 'rank'> & { classification: Classification; service: string }> = [];
  // Terminals end the propagation; relaying services only count when their own resources broke.
  const serviceSuspects = [...new Set([...d.terminals, ...d.suspects.filter((s) => s.kind === 'service').map((s) => s.id)])];
  for (const service of serviceSuspects) {
    const terminal = d.terminals.includes(service);
    const logs = input.errorLogs?.get(service);
    const statements = input.statements?.get(service);
    const slowest = statements && statements.length > 0 ? Math.max(...statements.map((s) => s.p99Ms)) : undefined;
    const evidence = suspectEvidence(input.topology, input.metrics, d, service, {
      ...(logs ? { errorLogCount: logs.length } : {}),
      ...(slowest !== undefined ? { slowestStatementMs: slowest } : {}),
    });
    const classification = classify(tree, evidence);
    const v = evidence.values;
    const machineScore = Math.max(v['machine.cpu_score'] ?? 0, v['machine.memory_score'] ?? 0);
    const own = Math.max(v['suspect.cpu_score'] ?? 0, v['suspect.memory_score'] ?? 0);
    const target = targetOf(classification.faultClass, service, d, { id: evidence.labels?.machine, score: machineScore }, own);
    const network = Math.max(0, ...NETWORK_METRICS.map((m) => input.metrics.score('edge', edgeEntity(d.callerOf.get(service) ?? '', service), m)));
    const resource = Math.max(own, machineScore, target.kind === 'edge' ? network : 0);
    causes.push({
      kind: target.kind,
      id: target.id,
      service,
      faultClass: classification.faultClass,
      score: terminal ? (v['suspect.anomaly_score'] ?? 0) + resource : resource,
      summary: classification.message,
      evidence: v,
      treePath: classification.path.map((s) => s.nodeId),
      classification,
    });
  }
  // Machines and network edges off the service set follow.
  for (const s of d.suspects) {
    if (s.kind === 'service' || causes.some((c) => c.id === s.id)) continue;
    const faultClass = s.kind === 'edge' ? 'network' : (s.evidence.memory_score ?? 0) > (s.evidence.cpu_score ?? 0) ? 'resource_memory' : 'resource_cpu';
    const summary = `${s.kind} ${s.id} is abnormal on the propagation path`;
    causes.push({ kind: s.kind, id: s.id, service: s.id, faultClass, score: s.score, summary, evidence: s.evidence, treePath: [], classification: { faultClass, message: summary, path: [], rejected: [] } });
  }
  causes.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = causes[0];
  const rootCauses: RankedRootCause[] = causes.slice(0, input.maxRootCauses ?? 5).map(({ classification: _c, service: _s, ...c }, i) => ({ rank: i + 1, ...c }));

  const keyMetrics: SeriesRef[] = [];
  const entrySeries = bestSymptomSeries(input.metrics, 'service', input.entry, input.symptom);
  if (entrySeries) keyMetrics.push(entrySeries);
  if (top) {
    const caller = d.callerOf.get(top.service);
    if (caller !== undefined) {
      const edge = edgeEntity(caller, top.service);
      const edgeSymptom = bestSymptomSeries(input.metrics, 'edge', edge, input.symptom);
      if (edgeSymptom) keyMetrics.push({ ...edgeSymptom, role: 'evidence' });
      for (const m of NETWORK_METRICS) {
        const score = input.metrics.score('edge', edge, m);
        if (score >= (input.demarcation ?? DEFAULT_DEMARCATION_CONFIG).threshold) keyMetrics.push({ kind: 'edge', entity: edge, metric: m, role: 'evidence', score });
      }
    }
    for (const m of ['cpu', 'memory', 'error_rate', 'requests']) {
      if (!input.metrics.get('service', top.service, m)) continue;
      const score = input.metrics.score('service', top.service, m);
      if (score >= 3) keyMetrics.push({ kind: 'service', entity: top.service, metric: m, role: 'evidence', score });
    }
  }

  const phenomenon = `${input.entry} ${SYMPTOM_WORDS[input.symptom]} is abnormal (score ${d.entryScore.toFixed(1)}); ` +
    (d.hops.length > 0 ? `the anomaly propagates along ${d.path.join(' → ')}` : 'no downstream service carries it');
  const summary = top ? `${top.faultClass.replace('_', ' ')} at ${top.kind} ${top.id}: ${top.summary}` : `no root cause found for ${input.entry}`;
  const logTemplates = top ? countTemplates(input.errorLogs?.get(top.service) ?? [], input.miner).slice(0, 10) : [];
  const slowStatements = top ? [...(input.statements?.get(top.service) ?? [])].sort((a, b) => b.p99Ms - a.p99Ms).slice(0, 5) : [];

  return {
    version: 1,
    entry: input.entry,
    symptom: input.symptom,
    window: input.window,
    phenomenon,
    keyMetrics,
    summary,
    faultClass: top?.faultClass ?? 'unknown',
    classification: top?.classification ?? { faultClass: 'unknown', message: '', path: [], rejected: [] },
    rootCauses,
    propagation: { path: d.path, hops: d.hops },
    logTemplates,
    slowStatements,
  };
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
