/** Sentences the report page composes from the engine's document. */
import type { RcaReport } from '@kinsight/rca';
import { entityLabel } from '../insights/exception-format.js';
import { faultClassLabel } from './to-propagation-elements.js';

const KIND_WORDS: Record<string, string> = { edge: 'the call', service: 'the service', machine: 'the machine' };

/** "Network problem on the call gateway → product": the line a person reads first. */
export function headline(report: Pick<RcaReport, 'rootCauses' | 'faultClass' | 'entry'>): string {
  const top = report.rootCauses[0];
  if (!top) return `No root cause found for ${report.entry}`;
  const label = faultClassLabel(report.faultClass);
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} on ${KIND_WORDS[top.kind] ?? top.kind} ${entityLabel(top.kind, top.id)}`;
}

/** Evidence values as the fault tree prints them: integers as they are, else three significant digits. */
export function formatEvidence(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(3)).toString();
}

/** Strongest evidence first (a report is read for what moved most), ties by name. */
export function rankedEvidence(evidence: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.entries(evidence).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]));
}
