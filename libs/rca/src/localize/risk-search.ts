import type { RootCause } from '../localizer.js';
import { type Cube, cuboidsOfLayer, elementText, groupBy, sumBy } from './cube.js';

/**
 * What the layer-wise risk search needs per leaf (RiskLoc, Kalander 2022): explanatory power, the
 * relative deviation, whether the deviation put the leaf on the anomalous side of the cutoff, and the
 * leaf's weight as evidence for (anomalous side) or against (normal side) an element.
 */
export interface LeafScores {
  ep: Float64Array;
  deviation: Float64Array;
  anomalous: Uint8Array;
  weight: Float64Array;
  /** the value risk's ripple-effect term compares: the leaf's actual and forecast (ratios for ratio KPIs) */
  actual: Float64Array;
  forecast: Float64Array;
  /** how far each leaf's deviation can be trusted (0..1); absent = all fully (RiskLoc) */
  reliability?: Float64Array;
}

export interface RiskSearchOptions {
  riskThreshold: number;
  /** stop when what is left of the anomalous explanatory power is below this share of it */
  epThreshold: number;
  /** drop layer-1 elements with too little power, and every leaf under them in later cuboids */
  prune: boolean;
  maxRootCauses: number;
  /**
   * When what is left falls under the power threshold, search once more with the threshold taken
   * relative to what is left: a small cause that is unmistakable by risk is still a cause.
   */
  residualPass?: boolean;
}

interface Candidate {
  cuboid: number[];
  sample: number;
  ep: number;
  highRisk: number;
  lowRisk: number;
  layer: number;
}

/**
 * Repeats: search layer by layer for the most explanatory element whose risk clears the threshold, take
 * the first layer that has one, remove its leaves, and go on while unexplained power is left.
 * Returns the elements in the order found.
 */
export function riskSearch(cube: Cube, scores: LeafScores, options: RiskSearchOptions): RootCause[] {
  const alive = new Uint8Array(cube.size).fill(1);
  let anomalousEp = anomalousPower(scores, alive);
  let threshold = anomalousEp * options.epThreshold;
  let residual = options.residualPass === true;
  const epPositive = scores.ep.map((x) => (x > 0 ? x : 0));
  let pruned = options.prune ? cube.dictionaries.map((d) => new Uint8Array(d.length)) : null;
  const found: RootCause[] = [];

  while (anomalousEp > 0 && found.length < options.maxRootCauses) {
    if (anomalousEp < threshold) {
      if (!residual || found.length === 0) break;
      residual = false;
      threshold = anomalousEp * options.epThreshold;
      pruned = options.prune ? cube.dictionaries.map((d) => new Uint8Array(d.length)) : null;
    }
    const best = searchLayers(cube, scores, epPositive, alive, pruned, threshold, options.riskThreshold);
    if (!best) break;
    found.push({
      element: elementText(cube, best.cuboid, best.sample),
      score: best.highRisk - best.lowRisk,
      evidence: {
        risk: best.highRisk - best.lowRisk,
        highRisk: best.highRisk,
        lowRisk: best.lowRisk,
        explanatoryPower: best.ep,
        layer: best.layer,
      },
    });
    for (let i = 0; i < cube.size; i++) {
      if (alive[i] === 1 && inElement(cube, best.cuboid, best.sample, i)) alive[i] = 0;
    }
    anomalousEp = anomalousPower(scores, alive);
  }
  return found;
}

function anomalousPower(scores: LeafScores, alive: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < alive.length; i++) if (alive[i] === 1 && scores.anomalous[i] === 1) s += scores.ep[i] ?? 0;
  return s;
}

function inElement(cube: Cube, cuboid: readonly number[], sample: number, leaf: number): boolean {
  for (const a of cuboid) if (cube.codes[a]?.[sample] !== cube.codes[a]?.[leaf]) return false;
  return true;
}

function searchLayers(
  cube: Cube,
  scores: LeafScores,
  epPositive: Float64Array,
  alive: Uint8Array,
  pruned: Uint8Array[] | null,
  epThreshold: number,
  riskThreshold: number,
): Candidate | null {
  const keep = new Uint8Array(cube.size);
  for (let layer = 1; layer <= cube.attributes.length; layer++) {
    let best: Candidate | null = null;
    for (const cuboid of cuboidsOfLayer(cube.attributes.length, layer)) {
      for (let i = 0; i < cube.size; i++) keep[i] = alive[i] === 1 && !isPruned(cube, pruned, cuboid, i) ? 1 : 0;
      const grouping = groupBy(cube, cuboid, keep);
      const ep = sumBy(grouping, scores.ep);
      const anomalousCount = sumBy(grouping, scores.anomalous);
      if (pruned && layer === 1) {
        const positive = sumBy(grouping, epPositive);
        const prunedCodes = pruned[cuboid[0] ?? 0];
        for (let e = 0; e < grouping.count; e++) {
          if ((positive[e] ?? 0) < epThreshold || anomalousCount[e] === 0) {
            const code = cube.codes[cuboid[0] ?? 0]?.[grouping.sampleLeaf[e] ?? 0] ?? 0;
            if (prunedCodes) prunedCodes[code] = 1;
          }
        }
      }
      const floor = best ? best.ep : epThreshold;
      const order: number[] = [];
      for (let e = 0; e < grouping.count; e++) if ((anomalousCount[e] ?? 0) > 0 && (ep[e] ?? 0) > floor) order.push(e);
      if (order.length === 0) continue;
      order.sort((x, y) => (ep[y] ?? 0) - (ep[x] ?? 0));
      const risk = elementRisks(grouping, scores);
      for (const e of order) {
        const high = risk.high[e] ?? 0;
        const low = risk.low[e] ?? 0;
        if (high - low >= riskThreshold) {
          best = { cuboid, sample: grouping.sampleLeaf[e] ?? 0, ep: ep[e] ?? 0, highRisk: high, lowRisk: low, layer };
          break;
        }
      }
    }
    if (best) return best;
  }
  return null;
}

function isPruned(cube: Cube, pruned: Uint8Array[] | null, cuboid: readonly number[], leaf: number): boolean {
  if (!pruned) return false;
  for (const a of cuboid) if (pruned[a]?.[cube.codes[a]?.[leaf] ?? 0] === 1) return true;
  return false;
}

/**
 * High risk: weighted share of anomalous leaves in the element (+1 in the denominator keeps tiny
 * elements from scoring 1). Low risk: how badly the leaves fit a ripple effect (every leaf scaled by
 * the element's common factor) relative to how much they deviate; a true cause ripples cleanly.
 */
function elementRisks(grouping: { elementOf: Int32Array; count: number }, scores: LeafScores): { high: Float64Array; low: Float64Array } {
  const n = grouping.count;
  const anomalousWeight = new Float64Array(n);
  const normalWeight = new Float64Array(n);
  const actualSum = new Float64Array(n);
  const forecastSum = new Float64Array(n);
  const devSum = new Float64Array(n);
  const counted = new Float64Array(n);
  const { elementOf } = grouping;
  for (let i = 0; i < elementOf.length; i++) {
    const e = elementOf[i] ?? -1;
    if (e < 0) continue;
    const r = scores.reliability ? (scores.reliability[i] ?? 0) : 1;
    const w = (scores.weight[i] ?? 0) * r;
    if (scores.anomalous[i] === 1) anomalousWeight[e] = (anomalousWeight[e] ?? 0) + w;
    else normalWeight[e] = (normalWeight[e] ?? 0) + w;
    const a = scores.actual[i] ?? 0;
    const f = scores.forecast[i] ?? 0;
    if (a !== 0 && f !== 0) {
      actualSum[e] = (actualSum[e] ?? 0) + a;
      forecastSum[e] = (forecastSum[e] ?? 0) + f;
      devSum[e] = (devSum[e] ?? 0) + r * Math.abs(scores.deviation[i] ?? 0);
      counted[e] = (counted[e] ?? 0) + r;
    }
  }
  const misfit = new Float64Array(n);
  for (let i = 0; i < elementOf.length; i++) {
    const e = elementOf[i] ?? -1;
    const a = scores.actual[i] ?? 0;
    const f = scores.forecast[i] ?? 0;
    if (e < 0 || a === 0 || f === 0) continue;
    const fs = forecastSum[e] ?? 0;
    const expected = fs === 0 ? 0 : (f * (actualSum[e] ?? 0)) / fs;
    const d = expected + a === 0 ? 0 : (2 * (expected - a)) / (expected + a);
    const r = scores.reliability ? (scores.reliability[i] ?? 0) : 1;
    misfit[e] = (misfit[e] ?? 0) + r * Math.abs(Number.isFinite(d) ? d : 0);
  }
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const an = anomalousWeight[e] ?? 0;
    high[e] = an / (an + (normalWeight[e] ?? 0) + 1);
    const c = counted[e] ?? 0;
    const meanDev = c > 0 ? (devSum[e] ?? 0) / c : 0;
    low[e] = c > 0 && meanDev !== 0 ? (misfit[e] ?? 0) / c / meanDev : 0;
  }
  return { high, low };
}
