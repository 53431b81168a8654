import { performance } from 'node:perf_hooks';
import type { Leaf, Localizer } from '../localizer.js';
import { type CaseScore, microScore, scoreCase } from './score.js';
import type { EvalLine } from './registry.js';

/** One labelled localization case as a dataset adapter reads it. */
export interface LocalizationCase {
  dataset: string;
  setting: string;
  case: string;
  leaves: Leaf[];
  /** canonical ground-truth elements; only the scoring step looks at them */
  truth: string[];
}

/** A case that could not be read; it is reported and left out of the scores. */
export interface UnreadableCase {
  dataset: string;
  setting: string;
  case: string;
  error: string;
}

export type CaseInput = LocalizationCase | UnreadableCase;

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/**
 * Runs every localizer on every case; yields one line per case and method, then, whenever the setting
 * changes and at the end, one summary line per method with micro precision/recall/F1.
 */
export async function* evaluateLocalization(cases: AsyncIterable<CaseInput> | Iterable<CaseInput>, localizers: readonly Localizer[]): AsyncIterable<EvalLine> {
  let current: { dataset: string; setting: string } | null = null;
  let tallies = new Map<string, { scores: CaseScore[]; ms: number; failed: number }>();
  let unreadable = 0;

  const summary = function* (): Iterable<EvalLine> {
    if (!current) return;
    for (const localizer of localizers) {
      const t = tallies.get(localizer.name) ?? { scores: [], ms: 0, failed: 0 };
      const m = microScore(t.scores);
      yield {
        dataset: current.dataset,
        setting: current.setting,
        method: localizer.name,
        cases: t.scores.length,
        precision: round(m.precision),
        recall: round(m.recall),
        f1: round(m.f1),
        ms_per_case: round(t.scores.length === 0 ? 0 : t.ms / t.scores.length, 2),
        ...(unreadable > 0 ? { unreadable } : {}),
        ...(t.failed > 0 ? { failed: t.failed } : {}),
      };
    }
  };

  for await (const input of cases) {
    if (!current || current.dataset !== input.dataset || current.setting !== input.setting) {
      yield* summary();
      current = { dataset: input.dataset, setting: input.setting };
      tallies = new Map();
      unreadable = 0;
    }
    if ('error' in input) {
      unreadable++;
      yield { dataset: input.dataset, setting: input.setting, case: input.case, error: input.error };
      continue;
    }
    for (const localizer of localizers) {
      const tally = tallies.get(localizer.name) ?? { scores: [], ms: 0, failed: 0 };
      tallies.set(localizer.name, tally);
      let predicted: string[] = [];
      let error: string | undefined;
      const started = performance.now();
      try {
        predicted = [...new Set(localizer.localize(input.leaves).map((r) => r.element))];
      } catch (err) {
        error = `${localizer.name} failed on ${input.case}: ${err instanceof Error ? err.message : String(err)}`;
        tally.failed++;
      }
      const ms = performance.now() - started;
      const score = scoreCase(predicted, input.truth);
      tally.scores.push(score);
      tally.ms += ms;
      yield {
        dataset: input.dataset,
        setting: input.setting,
        case: input.case,
        method: localizer.name,
        predicted,
        truth: input.truth,
        ...score,
        ms: round(ms, 2),
        ...(error ? { error } : {}),
      };
    }
  }
  yield* summary();
}
