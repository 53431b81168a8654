import type { Cube } from './cube.js';

/**
 * Explanatory power per leaf: the share of the total change the leaf accounts for (Adtributor, Bhagwan 2014).
 * For a ratio KPI the change of the total ratio is split with the derived-measure formula
 * ((ΔA·F_b − ΔB·F_a) / (F_b·(F_b + ΔB))), then normalised to sum to 1.
 */
export function explanatoryPower(cube: Cube): Float64Array {
  const ep = new Float64Array(cube.size);
  const parts = cube.parts;
  if (parts) {
    const fa = sum(parts.numForecast);
    const fb = sum(parts.denForecast);
    let total = 0;
    for (let i = 0; i < cube.size; i++) {
      const dA = (parts.numActual[i] ?? 0) - (parts.numForecast[i] ?? 0);
      const dB = (parts.denActual[i] ?? 0) - (parts.denForecast[i] ?? 0);
      const d = fb * (fb + dB);
      const v = d === 0 ? 0 : (dA * fb - dB * fa) / d;
      ep[i] = Number.isFinite(v) ? v : 0;
      total += ep[i] ?? 0;
    }
    if (total !== 0) for (let i = 0; i < cube.size; i++) ep[i] = (ep[i] ?? 0) / total;
    return ep;
  }
  const change = sum(cube.actual) - sum(cube.forecast);
  if (change === 0) return ep;
  for (let i = 0; i < cube.size; i++) ep[i] = ((cube.actual[i] ?? 0) - (cube.forecast[i] ?? 0)) / change;
  return ep;
}

/** Relative deviation 2(f − a)/(f + a) per leaf (RiskLoc's sign: a rise is negative); 0 when both are 0. */
export function deviation(cube: Cube): Float64Array {
  const dev = new Float64Array(cube.size);
  for (let i = 0; i < cube.size; i++) dev[i] = relativeDeviation(cube.actual[i] ?? 0, cube.forecast[i] ?? 0);
  return dev;
}

export function relativeDeviation(actual: number, forecast: number): number {
  const d = forecast + actual;
  if (d === 0) return 0;
  const v = (2 * (forecast - actual)) / d;
  return Number.isFinite(v) ? v : 0;
}

/** Jensen–Shannon surprise of one element whose shares of the total are p (forecast) and q (actual). */
export function surprise(p: number, q: number): number {
  const term = (x: number, y: number): number => (x > 0 ? x * Math.log((2 * x) / (x + y)) : 0);
  return 0.5 * (term(p, q) + term(q, p));
}

export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0;
  return s;
}
