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
 * Kinsight's localizer: RiskLoc's layer-wise weighted-risk search with these changes.
 * 1. Ratio KPIs are attributed on the numerator, against the numerator the leaf would have had at its
 *    forecast ratio and its actual denominator: traffic-mix shifts do not look like causes, and a leaf's
 *    power grows with its volume.
 * 2. Weights are deviations divided by the typical deviation of the anomalous leaves (capped at 1), so a
 *    uniform 10 % drop of a ratio counts as fully anomalous; RiskLoc's raw deviations (≈0.1 each) keep its
 *    high-risk term below 0.5 and it descends to over-specific elements or finds nothing. A ratio over few
 *    events is mostly noise, so each leaf also counts in proportion to its denominator (up to the median).
 *    For additive KPIs an anomalous leaf weighs only by how far it goes past the noise envelope (the
 *    largest move on the quiet side), so noise leaves past the cutoff do not pass as single-leaf causes.
 * 3. Siblings found one by one that together explain their parent (leaves another cause already
 *    explains not counted) are reported as the parent, so one cause is not split into fragments.
 * 4. When what is left drops under the power threshold, one more pass with the threshold taken
 *    relative to what is left: a small cause that is unmistakable by risk is still a cause.
 */
export function createDefaultLocalizer(options: Partial<DefaultLocalizerOptions> = {}): Localizer {
  const o = { ...DEFAULT_LOCALIZER_OPTIONS, ...options };
  return {
    name: 'default',
    localize(leaves: readonly Leaf[]): RootCause[] {
      const cube = buildCube(leaves);
      const scores = normalisedScores(cube, o.nRemove);
      const found = riskSearch(cube, scores, { riskThreshold: o.riskThreshold, epThreshold: o.pepThreshold, prune: true, maxRootCauses: 20, residualPass: true });
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
  // Additive KPIs: an anomalous leaf weighs only by how far it goes past the noise envelope. Ratio KPIs
  // keep raw deviations (their noise is handled by volume reliability; on RS the envelope erases ~10 % moves).
  const envelope = cube.parts ? 0 : quietExtreme(dev, anomalyAbove);
  const excess = magnitudes.map((m) => m - envelope).filter((x) => x > 0);
  // The median anomalous excess becomes weight 1, never less than the envelope itself (a leaf weighs fully
  // only at twice the largest noise move), and never scaled down (large deviations already weigh 1).
  const scale = Math.min(1, Math.max(median(excess), envelope, Math.abs(cutoff) - envelope, 1e-9));
  const weight = new Float64Array(cube.size);
  for (let i = 0; i < cube.size; i++) {
    const d = dev[i] ?? 0;
    const bothZero = cube.actual[i] === 0 && cube.forecast[i] === 0;
    const w = anomalous[i] === 1 ? Math.max(0, Math.abs(d) - envelope) : bothZero ? 0 : Math.abs(cutoff - d);
    weight[i] = Math.min(w / scale, 1);
  }
  if (anomalousEp < 0) for (let i = 0; i < cube.size; i++) ep[i] = -(ep[i] ?? 0);
  return { ep, deviation: dev, anomalous, weight, actual: cube.actual, forecast: cube.forecast, ...(cube.parts ? { reliability: volumeReliability(cube.parts.denActual) } : {}) };
}

/**
 * The largest deviation on the side opposite the anomaly: how far noise alone moved a leaf in this cube.
 */
function quietExtreme(dev: Float64Array, anomalyAbove: boolean): number {
  let e = 0;
  for (const d of dev) if (anomalyAbove ? d < 0 : d > 0) e = Math.max(e, Math.abs(d));
  return e;
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
