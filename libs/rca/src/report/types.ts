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
}

/** One slow statement of a datastore client, as the agent's protocol parsers aggregate it. */
export interface SlowStatement {
  system: 'sql' | 'redis';
  statement: string;
  calls: number;
  p99Ms: number;
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
