/**
 * Robust location and spread. Median/MAD ignore the very outliers we are hunting, unlike mean/stddev,
 * so one earlier incident inside the baseline does not hide the next one.
 */

/** 1.4826 × MAD estimates σ for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export interface RobustBaseline {
  median: number;
  /** σ-scaled MAD, floored so a flat series does not turn every wiggle into an infinite score. */
  spread: number;
}

export interface SpreadFloor {
  /** smallest spread as a share of |median| (a 5 % wiggle on a flat series is not an incident) */
  relative: number;
  /** smallest spread in the series' own unit */
  absolute: number;
}

export const DEFAULT_FLOOR: SpreadFloor = { relative: 0.05, absolute: 1e-9 };

/** Shares (0–1) sit near 0 or 1 where a relative floor means nothing; half a percentage point does. */
export const SHARE_FLOOR: SpreadFloor = { relative: 0, absolute: 0.005 };

/**
 * Counts of rare events per point (retransmits, resets, drops, failed connects, restarts) sit at 0 or 1
 * on a healthy system: one event more is not an incident, so the spread is at least one event.
 */
export const COUNT_FLOOR: SpreadFloor = { relative: 0.05, absolute: 1 };

const EVENT_COUNTS = new Set(['retransmits', 'resets', 'drops', 'failed_connects', 'restarts']);

/** Spread floor by metric name: error rate and availability are shares (0–1), rare-event metrics are counts. */
export function floorFor(metric: string): SpreadFloor {
  if (metric === 'error_rate' || metric === 'availability' || metric === 'success_rate') return SHARE_FLOOR;
  return EVENT_COUNTS.has(metric) ? COUNT_FLOOR : DEFAULT_FLOOR;
}

/** Median of an already sorted typed array (NaN when empty). */
function sortedMedian(sorted: Float64Array): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export function robustBaseline(values: ArrayLike<number>, floor: SpreadFloor = DEFAULT_FLOOR): RobustBaseline {
  // Typed arrays sort numerically without a comparator: this runs for every series every few points.
  let finite = Float64Array.from(values);
  if (!finite.every(Number.isFinite)) finite = finite.filter(Number.isFinite);
  const m = sortedMedian(finite.sort());
  if (!Number.isFinite(m)) return { median: Number.NaN, spread: Number.NaN };
  const deviations = finite.map((v) => Math.abs(v - m));
  const mad = sortedMedian(deviations.sort()) * MAD_TO_SIGMA;
  return { median: m, spread: Math.max(mad, floor.relative * Math.abs(m), floor.absolute) };
}

/** Which way a metric goes when things are bad. Requests can fail both ways (surge, drop). */
export type BadDirection = 'up' | 'down' | 'both';

/** Robust z-score of `value`, counted only in the bad direction (0 otherwise). */
export function robustScore(value: number, baseline: RobustBaseline, direction: BadDirection): number {
  if (!Number.isFinite(value) || !Number.isFinite(baseline.median)) return 0;
  const z = (value - baseline.median) / baseline.spread;
  if (direction === 'up') return Math.max(0, z);
  if (direction === 'down') return Math.max(0, -z);
  return Math.abs(z);
}

/**
 * Offline score of a window against a baseline window: robust z of the window's median, so a single
 * outlier in a short window does not dominate (the same k-of-n idea as the online detector).
 */
export function windowScore(
  baseline: readonly number[],
  window: readonly number[],
  direction: BadDirection,
  floor: SpreadFloor = DEFAULT_FLOOR,
): number {
  const finite = window.filter(Number.isFinite);
  if (finite.length === 0) return 0;
  return robustScore(median(finite), robustBaseline(baseline, floor), direction);
}

/** Largest robust z over the window's points (what BARO/NSigma-style rankers use). */
export function peakScore(
  baseline: readonly number[],
  window: readonly number[],
  direction: BadDirection,
  floor: SpreadFloor = DEFAULT_FLOOR,
): number {
  const b = robustBaseline(baseline, floor);
  let best = 0;
  for (const v of window) best = Math.max(best, robustScore(v, b, direction));
  return best;
}
