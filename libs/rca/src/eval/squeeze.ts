import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Leaf } from '../localizer.js';
import { columns, readCsv } from './csv.js';
import { type CaseInput, evaluateLocalization } from './localization.js';
import type { DatasetAdapter, EvalLine, EvalOptions } from './registry.js';
import { parseRootCauseSet } from './score.js';

const LABELS = 'injection_info.csv';
const isSetting = (folder: string): boolean => existsSync(join(folder, LABELS));

function settingsOf(folder: string): string[] {
  if (isSetting(folder)) return [folder];
  return readdirSync(folder)
    .sort()
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isDirectory() && isSetting(path));
}

/**
 * Squeeze semi-synthetic datasets (Li et al., ISSRE 2019): `<setting>/<timestamp>.csv(.gz)` leaf rows
 * `real,predict,<attributes…>` and `<setting>/injection_info.csv` whose `set` lists the root causes.
 * Accepts the dataset root or a single setting folder.
 */
export const squeezeAdapter: DatasetAdapter = {
  name: 'squeeze',
  detect: (folder) => existsSync(folder) && statSync(folder).isDirectory() && settingsOf(folder).length > 0,
  run(folder: string, options: EvalOptions): AsyncIterable<EvalLine> {
    const single = isSetting(folder);
    const dataset = basename(single ? dirname(folder) : folder);
    return evaluateLocalization(squeezeCases(dataset, settingsOf(folder), options.limit), options.localizers);
  },
};

export function* squeezeCases(dataset: string, settingFolders: readonly string[], limit?: number): Iterable<CaseInput> {
  for (const settingFolder of settingFolders) {
    const setting = basename(settingFolder);
    let labels: Map<string, string>;
    try {
      labels = readLabels(join(settingFolder, LABELS));
    } catch (err) {
      yield { dataset, setting, case: LABELS, error: message(err) };
      continue;
    }
    const files = readdirSync(settingFolder)
      .filter((f) => (f.endsWith('.csv.gz') || f.endsWith('.csv')) && f !== LABELS)
      .sort();
    for (const file of files.slice(0, limit ?? files.length)) {
      const caseId = file.replace(/\.csv(\.gz)?$/, '');
      const label = labels.get(caseId);
      if (label === undefined) {
        yield { dataset, setting, case: caseId, error: `${join(settingFolder, LABELS)} has no row with timestamp ${caseId}; add its label or remove the file` };
        continue;
      }
      try {
        yield { dataset, setting, case: caseId, leaves: readLeaves(join(settingFolder, file)), truth: parseRootCauseSet(label) };
      } catch (err) {
        yield { dataset, setting, case: caseId, error: message(err) };
      }
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readLabels(path: string): Map<string, string> {
  const table = readCsv(path);
  const at = columns(table, path, ['set', 'timestamp']);
  return new Map(table.rows.map((r) => [(r[at.timestamp] ?? '').trim(), r[at.set] ?? '']));
}

/** Leaf rows of one case; every column but real and predict is an attribute. */
export function readLeaves(path: string): Leaf[] {
  const table = readCsv(path);
  const at = columns(table, path, ['real', 'predict']);
  const attributes = table.header.map((name, i) => ({ name, i })).filter((c) => c.i !== at.real && c.i !== at.predict);
  return table.rows.map((row, r) => {
    const actual = Number(row[at.real]);
    const forecast = Number(row[at.predict]);
    if (!Number.isFinite(actual) || !Number.isFinite(forecast)) {
      throw new Error(`${path} row ${r + 2}: real/predict "${row[at.real]}"/"${row[at.predict]}" are not numbers`);
    }
    return { attributes: new Map(attributes.map((c) => [c.name, (row[c.i] ?? '').trim()])), actual, forecast };
  });
}
