import { nodeId } from '@kinsight/topology';
import { type RcaReport, type RcaTopology, type Symptom, buildReport } from '@kinsight/rca';
import { loadErrorLogs, loadNetwork, loadPlacements, loadResources, loadStatements } from './evidence.js';
import { STEP_MS } from './frame.js';
import { type CallPair, loadRed } from './red.js';
import { type Tx } from './store.js';
import { type Family, type FamilyKey } from './tracker.js';

const SYMPTOM_OF: Record<Family, Symptom> = { latency: 'latency', error_rate: 'errors', requests: 'traffic' };

export interface ReportJob {
  exceptionId: number;
  key: FamilyKey;
  /** first abnormal bucket */
  since: number;
  /** the bucket that opened the exception */
  at: number;
}

export interface ReportOptions {
  /** history before the anomaly the report compares with */
  baselineMs: number;
  minRequests: number;
}

/** The service a report walks from: an endpoint's server, an edge's caller (its callee when the caller is external). */
export function entryOf(key: FamilyKey, calls: readonly CallPair[]): string {
  if (key.kind === 'service') return key.entity;
  if (key.kind === 'endpoint') return key.entity.slice(0, Math.max(0, key.entity.indexOf(' '))) || key.entity;
  const arrow = key.entity.indexOf('->');
  const client = key.entity.slice(0, arrow);
  const server = key.entity.slice(arrow + 2);
  const call = calls.find((c) => c.client === client && c.server === server);
  return call && call.clientKind !== 'service' ? server : client;
}

/** Services, externals, calls and machines seen in the range, with the dashboard's node ids. */
export function topologyOf(calls: readonly CallPair[], placements: ReadonlyArray<{ service: string; machine: string }>): RcaTopology {
  const services = new Set<string>();
  const external = new Set<string>();
  const nodeIds: Record<string, string> = {};
  const note = (name: string, kind: string) => {
    if (kind === 'service') {
      services.add(name);
      nodeIds[name] = nodeId({ kind: 'service', name });
    } else {
      external.add(name);
      nodeIds[name] ??= nodeId({ kind: 'external', address: name });
    }
  };
  for (const c of calls) {
    note(c.client, c.clientKind);
    note(c.server, c.serverKind);
  }
  const runsOn = placements.filter((p) => services.has(p.service));
  return {
    services: [...services, ...[...external].filter((e) => !services.has(e))],
    machines: [...new Set(runsOn.map((p) => p.machine))],
    calls: calls.map((c) => ({ from: c.client, to: c.server })),
    runsOn,
    external: [...external].filter((e) => !services.has(e)),
    nodeIds,
  };
}

/**
 * Builds the reports of the exceptions a tick opened: one load per series kind over the union of
 * their ranges, then per exception its baseline/window cut, its logs and datastore calls, and
 * libs/rca's demarcation, fault tree and report assembly.
 */
export async function buildReports(tx: Tx, jobs: readonly ReportJob[], options: ReportOptions): Promise<Array<{ job: ReportJob; report: RcaReport }>> {
  if (jobs.length === 0) return [];
  const from = Math.min(...jobs.map((j) => j.since)) - options.baselineMs;
  const to = Math.max(...jobs.map((j) => j.at)) + STEP_MS;
  const { frame, calls } = await loadRed(tx, from, to, options.minRequests);
  await loadNetwork(tx, from, to, frame);
  await loadResources(tx, from, to, frame);
  const topology = topologyOf(calls, await loadPlacements(tx, from));
  const out: Array<{ job: ReportJob; report: RcaReport }> = [];
  for (const job of jobs) {
    const windowFrom = job.since;
    const windowTo = job.at + STEP_MS;
    const baselineFrom = windowFrom - options.baselineMs;
    const logs = await loadErrorLogs(tx, baselineFrom, windowFrom, windowTo);
    const report = buildReport({
      topology,
      metrics: frame.windows(baselineFrom, windowFrom, windowTo),
      entry: entryOf(job.key, calls),
      symptom: SYMPTOM_OF[job.key.family],
      window: { from: windowFrom, to: windowTo },
      templateCounts: logs.templates,
      errorLogCounts: logs.excess,
      statements: await loadStatements(tx, windowFrom, windowTo),
    });
    out.push({ job, report });
  }
  return out;
}
