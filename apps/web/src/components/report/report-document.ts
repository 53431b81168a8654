/**
 * The API stores the engine's report as JSON and returns it as `unknown`. This checks the shape the
 * page reads before it renders, so a document from an older or newer engine gives a clear message
 * instead of a blank page. The type itself comes from libs/rca (types only, nothing ships).
 */
import type { RcaReport } from '@kinsight/rca';

export type ReportParse = { ok: true; report: RcaReport } | { ok: false; error: string };

type Check = (value: unknown) => boolean;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const arrayOf = (item: Check): Check => (v) => Array.isArray(v) && v.every(item);
const recordOf = (item: Check): Check => (v) => isRecord(v) && Object.values(v).every(item);
const nullable = (check: Check): Check => (v) => v === null || check(v);
const shape = (fields: Record<string, Check>): Check => (v) => isRecord(v) && Object.entries(fields).every(([k, check]) => check(v[k]));

const step = shape({ nodeId: isString, title: isString, passed: (v) => typeof v === 'boolean', why: isString, message: isString, evidence: recordOf(nullable(isNumber)) });

/** Every field the report page reads, with the check that makes reading it safe. */
const FIELDS: Record<string, Check> = {
  entry: isString,
  symptom: isString,
  window: shape({ from: isNumber, to: isNumber }),
  phenomenon: isString,
  summary: isString,
  faultClass: isString,
  keyMetrics: arrayOf(shape({ kind: isString, entity: isString, metric: isString, role: isString, score: isNumber })),
  classification: shape({ faultClass: isString, message: isString, path: arrayOf(step), rejected: arrayOf(step) }),
  rootCauses: arrayOf(
    shape({ rank: isNumber, kind: isString, id: isString, faultClass: isString, score: isNumber, summary: isString, evidence: recordOf(isNumber), treePath: arrayOf(isString) }),
  ),
  propagation: shape({ path: arrayOf(isString), hops: arrayOf(shape({ from: isString, to: isString, score: isNumber, explainedShare: nullable(isNumber) })) }),
  logTemplates: arrayOf(shape({ template: isString, count: isNumber, example: isString })),
  slowStatements: arrayOf(shape({ system: isString, statement: isString, calls: isNumber, p99Ms: isNumber })),
};

export function parseReportDocument(document: unknown): ReportParse {
  if (!isRecord(document)) return { ok: false, error: 'the report document is not a JSON object' };
  if (document['version'] !== 1) {
    return { ok: false, error: `report document version ${JSON.stringify(document['version'])} is not one this dashboard reads (expected 1)` };
  }
  const bad = Object.entries(FIELDS).filter(([name, check]) => !check(document[name])).map(([name]) => name);
  if (bad.length > 0) return { ok: false, error: `the report document has missing or malformed fields: ${bad.join(', ')}` };
  // Every field read below was checked above; extra fields from a newer engine are ignored.
  return { ok: true, report: document as unknown as RcaReport };
}
