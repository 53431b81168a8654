import { formatElement, parseElement } from '../element.js';

export interface CaseScore {
  tp: number;
  fp: number;
  fn: number;
}

/** Canonical, de-duplicated elements of a `a=1&b=2;c=3` root-cause set. */
export function parseRootCauseSet(text: string): string[] {
  const elements = text
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e.length > 0)
    .map((e) => formatElement(parseElement(e)));
  return [...new Set(elements)];
}

/** Exact element match, as the Squeeze and RiskLoc papers score a case. */
export function scoreCase(predicted: readonly string[], truth: readonly string[]): CaseScore {
  const p = new Set(predicted);
  const t = new Set(truth);
  let tp = 0;
  for (const e of t) if (p.has(e)) tp++;
  return { tp, fp: p.size - tp, fn: t.size - tp };
}

export interface MicroScore {
  precision: number;
  recall: number;
  f1: number;
}

/** Micro precision/recall/F1 over many cases (sums of TP, FP, FN first). */
export function microScore(scores: readonly CaseScore[]): MicroScore {
  const tp = scores.reduce((s, c) => s + c.tp, 0);
  const fp = scores.reduce((s, c) => s + c.fp, 0);
  const fn = scores.reduce((s, c) => s + c.fn, 0);
  return {
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    f1: 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
  };
}
