import type { Leaf, Localizer, RootCause } from '../localizer.js';
import { buildCube, type Cube } from './cube.js';
import { type LeafScores, riskSearch } from './risk-search.js';
import { deviation, explanatoryPower } from './scores.js';

export interface RiskLocOptions {
  riskThreshold: number;
  /** proportional explanatory-power threshold (share of the anomalous power) */
  pepThreshold: number;
  /** extreme deviations ignored on each side when placing the cutoff */
  nRemove: number;
  prune: boolean;
}

/** The published defaults (Kalander 2022). */
export const RISKLOC_DEFAULTS: RiskLocOptions = { riskThreshold: 0.5, pepThreshold: 0.02, nRemove: 5, prune: true };

/**
 * Cutoff between normal and anomalous deviations: the (nRemove+1)-th most extreme distinct deviation on
 * each side; the side with the smaller extreme is noise, so its mirror image is the cutoff on the other.
 */
export function deviationCutoff(dev: ArrayLike<number>, nRemove: number): number {
  const distinct = [...new Set(Array.from(dev))].sort((a, b) => a - b);
  if (distinct.length === 0) return 0;
  const k = Math.min(nRemove, distinct.length - 1);
  const low = distinct[k] ?? 0;
  const high = distinct[distinct.length - 1 - k] ?? 0;
  return -(Math.abs(high) < Math.abs(low) ? high : low);
}

/** Marks the anomalous side of the cutoff and weighs each leaf as RiskLoc does. */
export function riskLocScores(cube: Cube, nRemove: number): LeafScores {
  const dev = deviation(cube);
  const ep = explanatoryPower(cube);
  const cutoff = deviationCutoff(dev, nRemove);
  // A cutoff of exactly 0 carries the direction in its sign (−0 = the anomaly lies below).
  const anomalyAbove = cutoff === 0 ? !Object.is(cutoff, -0) : cutoff > 0;
  const anomalous = new Uint8Array(cube.size);
  const weight = new Float64Array(cube.size);
  let anomalousEp = 0;
  for (let i = 0; i < cube.size; i++) {
    const d = dev[i] ?? 0;
    const isAnomalous = anomalyAbove ? d > cutoff : d < cutoff;
    anomalous[i] = isAnomalous ? 1 : 0;
    const bothZero = cube.actual[i] === 0 && cube.forecast[i] === 0;
    const w = isAnomalous ? Math.abs(d) : bothZero ? 0 : Math.abs(cutoff - d);
    weight[i] = Math.min(w, 1);
    if (isAnomalous) anomalousEp += ep[i] ?? 0;
  }
  // The search looks for positive power on the anomalous side, whichever way the KPI moved.
  if (anomalousEp < 0) for (let i = 0; i < cube.size; i++) ep[i] = -(ep[i] ?? 0);
  return { ep, deviation: dev, anomalous, weight, actual: cube.actual, forecast: cube.forecast };
}

export function createRiskLoc(options: Partial<RiskLocOptions> = {}): Localizer {
  const o = { ...RISKLOC_DEFAULTS, ...options };
  return {
    name: 'riskloc',
    localize(leaves: readonly Leaf[]): RootCause[] {
      const cube = buildCube(leaves);
      return riskSearch(cube, riskLocScores(cube, o.nRemove), {
        riskThreshold: o.riskThreshold,
        epThreshold: o.pepThreshold,
        prune: o.prune,
        maxRootCauses: 20,
      });
    },
  };
}
