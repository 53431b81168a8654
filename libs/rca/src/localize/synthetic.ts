import { formatElement } from '../element.js';
import type { Leaf } from '../localizer.js';

/** Small deterministic PRNG (mulberry32): the same seed gives the same cube on every machine. */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticCaseOptions {
  seed: number;
  /** cardinality of each attribute; attributes are named a, b, c, … */
  dimensions: readonly number[];
  rootCauses: number;
  layer: number;
  /** relative noise of every leaf's actual around its forecast */
  noise: number;
  /** 'ratio' builds an error-rate KPI (errors/requests) whose causes raise the error rate */
  kind: 'additive' | 'ratio';
}

export interface SyntheticCase {
  leaves: Leaf[];
  truth: string[];
}

/**
 * A cube with 1–3 injected disjoint causes on one layer. Every leaf under a cause moves by the same
 * factor (the ripple effect the risk term looks for); the rest only carries noise.
 */
export function syntheticCase(o: SyntheticCaseOptions): SyntheticCase {
  const random = seededRandom(o.seed);
  const names = o.dimensions.map((_, i) => String.fromCharCode(97 + i));
  const causes = pickCauses(random, o.dimensions, o.rootCauses, o.layer);
  const severity = causes.map(() => 0.3 + 0.6 * random());
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  const leaves: Leaf[] = [];
  const codes = o.dimensions.map(() => 0);
  const total = o.dimensions.reduce((p, d) => p * d, 1);
  for (let n = 0; n < total; n++) {
    let rest = n;
    for (let a = o.dimensions.length - 1; a >= 0; a--) {
      const d = o.dimensions[a] ?? 1;
      codes[a] = rest % d;
      rest = Math.floor(rest / d);
    }
    const attributes = new Map(names.map((name, a) => [name, `${name}${codes[a] ?? 0}`]));
    const hit = causes.findIndex((c) => c.every(([a, v]) => codes[a] === v));
    const factor = hit >= 0 ? (severity[hit] ?? 0) : 0;
    const wobble = Math.max(0, 1 + o.noise * gaussian());
    if (o.kind === 'additive') {
      const forecast = Math.round(20 + 200 * random());
      leaves.push({ attributes, forecast, actual: forecast * (1 - factor) * wobble });
    } else {
      const requests = Math.round(200 + 800 * random());
      const rate = 0.01 + 0.02 * random();
      const actualRate = Math.min(1, rate * (1 + 10 * factor) * wobble);
      const errors = requests * actualRate;
      leaves.push({
        attributes,
        actual: actualRate,
        forecast: rate,
        ratio: { numerator: { actual: errors, forecast: requests * rate }, denominator: { actual: requests, forecast: requests } },
      });
    }
  }
  const truth = causes.map((c) => formatElement(new Map(c.map(([a, v]) => [names[a] ?? '', `${names[a] ?? ''}${v}`])))).sort();
  return { leaves, truth };
}

/** Disjoint causes: any two share an attribute on which they differ, so no leaf is under two. */
function pickCauses(random: () => number, dimensions: readonly number[], count: number, layer: number): [number, number][][] {
  const pickInt = (n: number): number => Math.floor(random() * n);
  const attrs = dimensions.map((_, a) => a);
  const cuboid = [...attrs].sort(() => random() - 0.5).slice(0, layer).sort((x, y) => x - y);
  const causes: [number, number][][] = [];
  for (let tries = 0; causes.length < count && tries < 1000; tries++) {
    const cause = cuboid.map((a): [number, number] => [a, pickInt(dimensions[a] ?? 1)]);
    const disjoint = causes.every((c) => c.some(([a, v]) => cause.some(([b, w]) => a === b && v !== w)));
    if (disjoint) causes.push(cause);
  }
  return causes;
}
