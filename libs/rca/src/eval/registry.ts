import type { Localizer } from '../localizer.js';
import { risklocRsAdapter } from './riskloc-rs.js';
import { SERVICE_DATASETS } from './service/index.js';
import { squeezeAdapter } from './squeeze.js';

/** One JSON-serialisable output line (a case result or a summary). */
export type EvalLine = Record<string, unknown>;

export interface EvalOptions {
  /** dimensional localizers to run side by side ("default" first, then the baselines) */
  localizers: readonly Localizer[];
  /** at most this many cases per setting (for quick runs and tests); undefined = all */
  limit?: number;
}

/**
 * A dataset layout the evaluator can read. `detect` looks only at the folder's shape (never at labels);
 * `run` yields case lines and summary lines, and reports unreadable cases as lines instead of throwing.
 */
export interface DatasetAdapter {
  readonly name: string;
  detect(folder: string): boolean;
  run(folder: string, options: EvalOptions): AsyncIterable<EvalLine>;
}

/** First match wins; more specific layouts go first. */
export const DATASET_ADAPTERS: readonly DatasetAdapter[] = [
  squeezeAdapter,
  risklocRsAdapter,
  // Service-level datasets run their own pipeline (detection → demarcation → fault tree), not a localizer.
  ...SERVICE_DATASETS.map(
    (ds): DatasetAdapter => ({ name: ds.name, detect: (folder) => ds.recognises(folder), run: (folder) => ds.evaluate(folder) }),
  ),
];

export function findAdapter(folder: string, adapters: readonly DatasetAdapter[] = DATASET_ADAPTERS): DatasetAdapter | undefined {
  return adapters.find((a) => a.detect(folder));
}
