import type { Leaf, Localizer, RootCause } from '../localizer.js';
import { buildCube, type Cube, groupBy, sumBy } from './cube.js';
import { sum, surprise } from './scores.js';

export interface AdtributorOptions {
  /** an element must explain at least this share of the change to be considered */
  elementEp: number;
  /** a dimension's chosen elements must together explain more than this share */
  dimensionEp: number;
  /** how many dimensions to report */
  topDimensions: number;
}

/** The thresholds RiskLoc's evaluation runs Adtributor with (TEEP = TEP = 0.1, k = 3). */
export const ADTRIBUTOR_DEFAULTS: AdtributorOptions = { elementEp: 0.1, dimensionEp: 0.1, topDimensions: 3 };

interface DimensionElement {
  value: string;
  ep: number;
  surprise: number;
}

/**
 * Adtributor (Bhagwan et al., NSDI 2014): per dimension, take the most surprising elements (Jensen–Shannon
 * divergence of forecast vs actual shares) until they explain enough of the change; rank dimensions by the
 * surprise of what they explain. Looks at one dimension at a time, so it only ever finds layer-1 causes.
 */
export function createAdtributor(options: Partial<AdtributorOptions> = {}): Localizer {
  const o = { ...ADTRIBUTOR_DEFAULTS, ...options };
  return {
    name: 'adtributor',
    localize(leaves: readonly Leaf[]): RootCause[] {
      const cube = buildCube(leaves);
      const candidates: { attribute: string; elements: DimensionElement[]; ep: number; surprise: number }[] = [];
      cube.attributes.forEach((attribute, a) => {
        const ranked = dimensionElements(cube, a).sort((x, y) => y.surprise - x.surprise);
        const chosen: DimensionElement[] = [];
        let explained = 0;
        for (const element of ranked) {
          if (element.ep <= o.elementEp) continue;
          chosen.push(element);
          explained += element.ep;
          if (explained > o.dimensionEp) {
            candidates.push({ attribute, elements: chosen, ep: explained, surprise: sumOf(chosen.map((c) => c.surprise)) });
            break;
          }
        }
      });
      candidates.sort((x, y) => y.surprise - x.surprise);
      return candidates.slice(0, o.topDimensions).flatMap((c) =>
        c.elements.map((e) => ({
          element: `${c.attribute}=${e.value}`,
          score: e.surprise,
          evidence: { surprise: e.surprise, explanatoryPower: e.ep, dimensionSurprise: c.surprise, dimensionExplanatoryPower: c.ep },
        })),
      );
    },
  };
}

function sumOf(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}

/** Explanatory power and surprise of every value of attribute `a`. */
function dimensionElements(cube: Cube, a: number): DimensionElement[] {
  const grouping = groupBy(cube, [a]);
  const values = (e: number): string => cube.dictionaries[a]?.[cube.codes[a]?.[grouping.sampleLeaf[e] ?? 0] ?? 0] ?? '';
  const share = (part: number, total: number): number => (total === 0 ? 0 : part / total);
  const out: DimensionElement[] = [];
  const parts = cube.parts;
  if (parts) {
    const ra = sumBy(grouping, parts.numActual);
    const fa = sumBy(grouping, parts.numForecast);
    const rb = sumBy(grouping, parts.denActual);
    const fb = sumBy(grouping, parts.denForecast);
    const [RA, FA, RB, FB] = [sum(ra), sum(fa), sum(rb), sum(fb)];
    const raw: number[] = [];
    for (let e = 0; e < grouping.count; e++) {
      const dA = (ra[e] ?? 0) - (fa[e] ?? 0);
      const dB = (rb[e] ?? 0) - (fb[e] ?? 0);
      const d = FB * (FB + dB);
      raw.push(d === 0 ? 0 : (dA * FB - dB * FA) / d);
    }
    const total = sumOf(raw);
    for (let e = 0; e < grouping.count; e++) {
      out.push({
        value: values(e),
        ep: total === 0 ? 0 : (raw[e] ?? 0) / total,
        surprise:
          surprise(share(fa[e] ?? 0, FA), share(ra[e] ?? 0, RA)) + surprise(share(fb[e] ?? 0, FB), share(rb[e] ?? 0, RB)),
      });
    }
    return out;
  }
  const actual = sumBy(grouping, cube.actual);
  const forecast = sumBy(grouping, cube.forecast);
  const A = sum(actual);
  const F = sum(forecast);
  for (let e = 0; e < grouping.count; e++) {
    out.push({
      value: values(e),
      ep: A === F ? 0 : ((actual[e] ?? 0) - (forecast[e] ?? 0)) / (A - F),
      surprise: surprise(share(forecast[e] ?? 0, F), share(actual[e] ?? 0, A)),
    });
  }
  return out;
}
