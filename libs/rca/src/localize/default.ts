import type { Leaf, Localizer, RootCause } from '../localizer.js';
import { buildCube, type Cube } from './cube.js';
import { deviationCutoff } from './riskloc.js';
import { type LeafScores, riskSearch } from './risk-search.js';
import { deviation, explanatoryPower } from './scores.js';
import { generaliseSiblings } from './generalise.js';

export interface DefaultLocalizerOptions {
  riskThreshold: number;
  pepThreshold: number;
  nRemove: number;
  /** replace found siblings by their parent when they explain at least this share of the parent's change */
  siblingCover: number;
}

export const DEFAULT_LOCALIZER_OPTIONS: DefaultLocalizerOptions = { riskThreshold: 0.5, pepThreshold: 0.02, nRemove: 5, siblingCover: 0.8 };

/**
 * Kinsight's localizer: RiskLoc's layer-wise weighted-risk search with three changes.
 * 1. Ratio KPIs are attributed on the numerator, against the numerator the leaf would have had at its
 *    forecast ratio and its actual denominator: traffic-mix shifts do not look like causes, and a leaf's
 *    power grows with its volume.
 * 2. Weights are deviations divided by the typical deviation of the anomalous leaves (capped at 1), so a
 *    uniform 10 % drop of a ratio counts as fully anomalous; RiskLoc's raw deviations (≈0.1 each) keep its
 *    high-risk term below 0.5 and it descends to over-specific elements or finds nothing. A ratio over few
 *    events is mostly noise, so each leaf also counts in proportion to its denominator (up to the median).
 * 3. Siblings found one by one that together explain their parent are reported as the parent, so
 *    simultaneous causes under one attribute value are not split into fragments.
 */
export function createDefaultLocalizer(options: Partial<DefaultLocalizerOptions> = {}): Localizer {
  const o = { ...DEFAULT_LOCALIZER_OPTIONS, ...options };
  return {
    name: 'default',
    localize(leaves: readonly Leaf[]): RootCause[] {
      const cube = buildCube(leaves);
      const scores = normalisedScores(cube, o.nRemove);
      const found = riskSearch(cube, scores, { riskThreshold: o.riskThreshold, epThreshold: o.pepThreshold, prune: true, maxRootCauses: 20 });
      return generaliseSiblings(cube, scores, found, o.siblingCover);
    },
  };
}

/** Explanatory power of each leaf's numerator excess over what its forecast ratio predicts. */
function numeratorExcessPower(cube: Cube): Float64Array {
  const parts = cube.parts;
  if (!parts) return explanatoryPower(cube);
  const excess = new Float64Array(cube.size);
  let total = 0;
  for (let i = 0; i < cube.size; i++) {
    const denForecast = parts.denForecast[i] ?? 0;
    const rate = denForecast > 0 ? (parts.numForecast[i] ?? 0) / denForecast : (cube.forecast[i] ?? 0);
    const v = (parts.numActual[i] ?? 0) - (parts.denActual[i] ?? 0) * rate;
    excess[i] = Number.isFinite(v) ? v : 0;
    total += excess[i] ?? 0;
  }
  if (total !== 0) for (let i = 0; i < cube.size; i++) excess[i] = (excess[i] ?? 0) / total;
  return excess;
}

export function normalisedScores(cube: Cube, nRemove: number): LeafScores {
  const ep = numeratorExcessPower(cube);
  const dev = deviation(cube);
  const cutoff = deviationCutoff(dev, nRemove);
  const anomalyAbove = cutoff === 0 ? !Object.is(cutoff, -0) : cutoff > 0;
  const anomalous = new Uint8Array(cube.size);
  const magnitudes: number[] = [];
  let anomalousEp = 0;
  for (let i = 0; i < cube.size; i++) {
    const d = dev[i] ?? 0;
    if (anomalyAbove ? d > cutoff : d < cutoff) {
      anomalous[i] = 1;
      magnitudes.push(Math.abs(d));
      anomalousEp += ep[i] ?? 0;
    }
  }
  // The median anomalous deviation becomes weight 1; never scale down (large deviations already weigh 1).
  const scale = Math.min(1, Math.max(median(magnitudes), Math.abs(cutoff), 1e-9));
  const weight = new Float64Array(cube.size);
  for (let i = 0; i < cube.size; i++) {
    const d = dev[i] ?? 0;
    const bothZero = cube.actual[i] === 0 && cube.forecast[i] === 0;
    const w = anomalous[i] === 1 ? Math.abs(d) : bothZero ? 0 : Math.abs(cutoff - d);
    weight[i] = Math.min(w / scale, 1);
  }
  if (anomalousEp < 0) for (let i = 0; i < cube.size; i++) ep[i] = -(ep[i] ?? 0);
  return { ep, deviation: dev, anomalous, weight, actual: cube.actual, forecast: cube.forecast, ...(cube.parts ? { reliability: volumeReliability(cube.parts.denActual) } : {}) };
}

/**
 * A ratio measured over few events is mostly noise: a leaf counts in proportion to its denominator, up to
 * the median denominator of the leaves that have traffic.
 */
function volumeReliability(denominator: Float64Array): Float64Array {
  const reference = median(Array.from(denominator).filter((x) => x > 0));
  return denominator.map((x) => (reference > 0 ? Math.min(1, Math.max(0, x) / reference) : 1));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
