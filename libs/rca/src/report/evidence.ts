import type { Demarcation } from '../demarcate/demarcate.js';
import { symptomScore } from '../demarcate/demarcate.js';
import { type MetricWindows, type RcaTopology, edgeEntity } from '../demarcate/model.js';
import type { Evidence } from '../faulttree/evaluate.js';
import { callNetworkScore } from '../localize/network-share.js';
import { serviceMemoryGrowth } from '../localize/resource-growth.js';

export interface SuspectExtras {
  errorLogCount?: number;
  slowestStatementMs?: number;
}

/**
 * The named evidence the fault tree reads for one suspect service, after demarcation: the entry's
 * symptom, the suspect's own golden and resource signals, the call edge into it, and its machines.
 * Names are the tree's vocabulary (see default-tree.json); absent signals are left out, not zeroed,
 * so the tree says "missing" instead of "normal".
 *
 * Two values are read on yardsticks rather than as raw ratios or z-scores (see localize/):
 * `suspect.memory_ratio` on the system's typical container size, so a small container's few megabytes
 * do not read as a leak (resource-growth.ts), and `edge.rtt_score` only when the network carries most
 * of the latency the caller lost, so queueing in front of a starved callee is not a network fault
 * (network-share.ts).
 */
export function suspectEvidence(
  topology: RcaTopology,
  metrics: MetricWindows,
  demarcation: Demarcation,
  suspect: string,
  extras: SuspectExtras = {},
): Evidence {
  const values: Record<string, number> = {};
  const labels: Record<string, string> = { entry: demarcation.entry, suspect, symptom: demarcation.symptom };
  const put = (name: string, v: number) => {
    if (Number.isFinite(v)) values[name] = v;
  };
  const present = (kind: 'service' | 'edge' | 'machine', entity: string, metric: string) => metrics.get(kind, entity, metric) !== undefined;

  put('entry.anomaly_score', demarcation.entryScore);
  put('entry.downstream_count', topology.calls.filter((c) => c.from === demarcation.entry && c.to !== c.from).length);
  put('suspect.is_downstream', suspect === demarcation.entry ? 0 : 1);
  put('suspect.anomaly_score', symptomScore(metrics, 'service', suspect, demarcation.symptom));

  for (const [metric, name] of [['cpu', 'cpu_score'], ['cpu_throttle', 'cpu_throttle_score'], ['memory', 'memory_score'], ['error_rate', 'error_score']] as const) {
    if (present('service', suspect, metric)) put(`suspect.${name}`, metrics.score('service', suspect, metric));
  }
  put('suspect.memory_ratio', serviceMemoryGrowth(metrics, topology.services, suspect));
  if (present('service', suspect, 'restarts')) put('suspect.restarts', metrics.delta('service', suspect, 'restarts'));
  if (present('service', suspect, 'requests')) put('suspect.traffic_ratio', metrics.ratio('service', suspect, 'requests'));
  if (extras.errorLogCount !== undefined) put('suspect.error_log_count', extras.errorLogCount);
  if (extras.slowestStatementMs !== undefined) put('suspect.slowest_statement_ms', extras.slowestStatementMs);

  const caller = demarcation.callerOf.get(suspect);
  if (caller !== undefined) {
    const edge = edgeEntity(caller, suspect);
    labels.edge = `${caller}→${suspect}`;
    put('suspect.anomaly_score', Math.max(values['suspect.anomaly_score'] ?? 0, symptomScore(metrics, 'edge', edge, demarcation.symptom)));
    put('edge.latency_score', symptomScore(metrics, 'edge', edge, demarcation.symptom));
    for (const [metric, name] of [['retransmits', 'retransmit_score'], ['srtt', 'rtt_score'], ['resets', 'reset_score'], ['drops', 'drop_score'], ['failed_connects', 'failed_connect_score']] as const) {
      if (!present('edge', edge, metric)) continue;
      put(`edge.${name}`, callNetworkScore(metrics, caller, suspect, metric));
    }
  }

  const machines = topology.runsOn.filter((r) => r.service === suspect).map((r) => r.machine);
  for (const [metric, name] of [['cpu', 'cpu_score'], ['memory', 'memory_score']] as const) {
    const scores = machines.filter((m) => present('machine', m, metric)).map((m) => metrics.score('machine', m, metric));
    if (scores.length > 0) put(`machine.${name}`, Math.max(...scores));
  }
  if (machines[0] !== undefined) labels.machine = machines.join(', ');
  return { values, labels };
}
