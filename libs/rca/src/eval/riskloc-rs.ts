import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Leaf } from '../localizer.js';
import { columns, readCsv } from './csv.js';
import { type CaseInput, evaluateLocalization } from './localization.js';
import type { DatasetAdapter, EvalLine, EvalOptions } from './registry.js';
import { parseRootCauseSet } from './score.js';

const LABELS = 'labels.csv';
const MINUTE = 60;

/**
 * How a case's forecast is built from the minutes before the anomaly. We follow the RS benchmark
 * (RiskLoc's robustspot_data_utils): per leaf, the mean of the previous 4 minutes of numerator,
 * denominator and ratio; a leaf absent from that history is forecast as 0.
 */
export interface RsForecastOptions {
  historyMinutes: number;
}
export const RS_FORECAST: RsForecastOptions = { historyMinutes: 4 };

/**
 * RS (RobustSpot's video-CDN data as shipped with RiskLoc): `data/<case>.csv` minute rows
 * `min,<attributes…>,value,cnt` and `labels.csv` `file,timestamp,root_cause`. The KPI is the derived
 * ratio (cnt − value)/cnt — the complement RiskLoc's benchmark localizes — with numerator and
 * denominator kept per leaf.
 */
export const risklocRsAdapter: DatasetAdapter = {
  name: 'riskloc-rs',
  detect(folder) {
    const labels = join(folder, LABELS);
    if (!existsSync(labels) || !existsSync(join(folder, 'data')) || !statSync(join(folder, 'data')).isDirectory()) return false;
    try {
      const head = readCsv(labels).header;
      return ['file', 'timestamp', 'root_cause'].every((c) => head.includes(c));
    } catch {
      return false;
    }
  },
  run(folder: string, options: EvalOptions): AsyncIterable<EvalLine> {
    return evaluateLocalization(rsCases(folder, options.limit), options.localizers);
  },
};

export function* rsCases(folder: string, limit?: number, forecast: RsForecastOptions = RS_FORECAST): Iterable<CaseInput> {
  const dataset = basename(folder);
  const setting = 'all';
  const labelsPath = join(folder, LABELS);
  let rows: { file: string; timestamp: number; rootCause: string }[];
  try {
    const table = readCsv(labelsPath);
    const at = columns(table, labelsPath, ['file', 'timestamp', 'root_cause']);
    rows = table.rows.map((r) => ({ file: r[at.file] ?? '', timestamp: Number(r[at.timestamp]), rootCause: r[at.root_cause] ?? '' }));
  } catch (err) {
    yield { dataset, setting, case: LABELS, error: err instanceof Error ? err.message : String(err) };
    return;
  }
  for (const row of rows.slice(0, limit ?? rows.length)) {
    const caseId = row.file.replace(/\.csv$/, '');
    try {
      if (!Number.isFinite(row.timestamp)) throw new Error(`${labelsPath}: timestamp of ${row.file} is not a number`);
      const leaves = rsLeaves(join(folder, 'data', row.file), row.timestamp, forecast);
      yield { dataset, setting, case: caseId, leaves, truth: parseRootCauseSet(row.rootCause) };
    } catch (err) {
      yield { dataset, setting, case: caseId, error: err instanceof Error ? err.message : String(err) };
    }
  }
}

interface Minute {
  good: number;
  count: number;
}

/** Leaves at the anomalous minute with numerator/denominator forecast from the minutes before it. */
export function rsLeaves(path: string, timestamp: number, options: RsForecastOptions = RS_FORECAST): Leaf[] {
  if (!existsSync(path)) throw new Error(`${path} is missing; the labels name it as a case file`);
  const table = readCsv(path);
  const at = columns(table, path, ['min', 'value', 'cnt']);
  const attributes = table.header
    .map((name, i) => ({ name, i }))
    .filter((c) => c.i !== at.min && c.i !== at.value && c.i !== at.cnt);
  const history = new Set(Array.from({ length: options.historyMinutes }, (_, k) => timestamp - (k + 1) * MINUTE));
  // leaf key → minute → summed components (a leaf may repeat within a minute)
  const series = new Map<string, { attributes: Map<string, string>; minutes: Map<number, Minute> }>();
  for (const row of table.rows) {
    const minute = Number(row[at.min]);
    if (minute !== timestamp && !history.has(minute)) continue;
    const value = Number(row[at.value]);
    const count = Number(row[at.cnt]);
    if (!Number.isFinite(value) || !Number.isFinite(count)) continue;
    const values = attributes.map((c) => (row[c.i] ?? '').trim());
    const key = values.join('\u0000');
    let leaf = series.get(key);
    if (!leaf) {
      leaf = { attributes: new Map(attributes.map((c, k) => [c.name, values[k] ?? ''])), minutes: new Map() };
      series.set(key, leaf);
    }
    const m = leaf.minutes.get(minute) ?? { good: 0, count: 0 };
    m.good += count - value;
    m.count += count;
    leaf.minutes.set(minute, m);
  }
  const leaves: Leaf[] = [];
  for (const { attributes: attrs, minutes } of series.values()) {
    const now = minutes.get(timestamp);
    if (!now) continue;
    const past = [...minutes.entries()].filter(([m]) => m !== timestamp).map(([, v]) => v);
    const mean = (f: (m: Minute) => number): number => (past.length === 0 ? 0 : past.reduce((s, m) => s + f(m), 0) / past.length);
    const ratio = (m: Minute): number => (m.count === 0 ? 0 : m.good / m.count);
    leaves.push({
      attributes: attrs,
      actual: ratio(now),
      forecast: mean(ratio),
      ratio: {
        numerator: { actual: now.good, forecast: mean((m) => m.good) },
        denominator: { actual: now.count, forecast: mean((m) => m.count) },
      },
    });
  }
  if (leaves.length === 0) throw new Error(`${path} has no rows at minute ${timestamp}; check the label's timestamp`);
  return leaves;
}
