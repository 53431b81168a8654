import type { Hop, SuspectKind } from '../demarcate/demarcate.js';
import type { Symptom } from '../demarcate/model.js';
import type { EntityKind } from '../detect/detector.js';
import type { Classification, FaultClass } from '../faulttree/index.js';
import type { TemplateCount } from '../logs/drain.js';

/** A series the UI should draw next to the report. */
export interface SeriesRef {
  kind: EntityKind;
  entity: string;
  metric: string;
  /** symptom = what users feel; evidence = why the report blames the suspect */
  role: 'symptom' | 'evidence';
  score: number;
  /**
   * The values behind the score, oldest first, when the input carried their times: points before
   * the report's `window.from` are the baseline, the rest the window under study. Units follow the
   * metric name as the caller stored it (the API: latency_* and srtt in ms, cpu in cores, memory in
   * bytes, requests and event counts per 10 s bucket, error_rate a share).
   */
  points?: Array<{ ts: number; value: number }>;
  /** median of the baseline, the level the window is compared with */
  baseline?: number;
}

/** One slow statement of a datastore client, as the agent's protocol parsers aggregate it. */
export interface SlowStatement {
  system: 'sql' | 'redis';
  statement: string;
  calls: number;
  p99Ms: number;
  /** the datastore the statement went to, when known */
  server?: string;
}

export interface RankedRootCause {
  rank: number;
  kind: SuspectKind;
  /** service, machine or `caller->callee` */
  id: string;
  faultClass: FaultClass;
  score: number;
  /** one sentence */
  summary: string;
  evidence: Record<string, number>;
  /** the fault-tree walk that classified it (node ids in order) */
  treePath: string[];
  /**
   * the service whose evidence the fault tree read (a network cause's callee, a machine cause's
   * service); absent for machines and edges that are only abnormal on the propagation path
   */
  service?: string;
  /**
   * the part of the entry's excess (request-seconds or failed requests) this service adds itself, 0–1,
   * when the call-graph attribution ranked it (localize/call-graph.ts); such causes lead the list in
   * the attribution's order, so ranks then follow this share rather than `score`
   */
  explainedShare?: number;
}

export interface RcaReport {
  version: 1;
  entry: string;
  symptom: Symptom;
  window: { from: number; to: number };
  phenomenon: string;
  keyMetrics: SeriesRef[];
  /** root cause in one sentence */
  summary: string;
  faultClass: FaultClass;
  /** the top root cause's full fault-tree walk, so the report can say why */
  classification: Classification;
  rootCauses: RankedRootCause[];
  propagation: { path: string[]; hops: Hop[] };
  logTemplates: TemplateCount[];
  slowStatements: SlowStatement[];
  /** the caller's node id for every name the report mentions, when the topology carried them (RcaTopology.nodeIds) */
  nodeIds?: Record<string, string>;
}

/** A row of the API's reports table. */
export interface RcaReportSummary {
  entry: string;
  symptom: Symptom;
  from: number;
  to: number;
  faultClass: FaultClass;
  summary: string;
  topSuspect: string | null;
  topSuspectKind: SuspectKind | null;
  rootCauseCount: number;
}
