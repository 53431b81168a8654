import type { Leaf } from '../localizer.js';

/**
 * Leaves in columnar form: attribute values become small integer codes, so grouping a cuboid is a
 * loop over typed arrays instead of string maps. Every localizer starts from here.
 */
export interface Cube {
  /** attribute names, sorted the way canonical elements sort them */
  readonly attributes: readonly string[];
  /** per attribute: code → value */
  readonly dictionaries: readonly (readonly string[])[];
  /** per attribute: leaf → code */
  readonly codes: readonly Int32Array[];
  readonly actual: Float64Array;
  readonly forecast: Float64Array;
  /** present when the KPI is a derived ratio: the additive numerator and denominator per leaf */
  readonly parts: RatioParts | null;
  readonly size: number;
}

export interface RatioParts {
  readonly numActual: Float64Array;
  readonly numForecast: Float64Array;
  readonly denActual: Float64Array;
  readonly denForecast: Float64Array;
}

export class CubeError extends Error {
  override readonly name = 'CubeError';
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the columnar cube; names the first leaf that does not fit (other attributes, a missing ratio part). */
export function buildCube(leaves: readonly Leaf[]): Cube {
  const first = leaves[0];
  const attributes = first ? [...first.attributes.keys()].sort(byName) : [];
  const n = leaves.length;
  const codes = attributes.map(() => new Int32Array(n));
  const dictionaries = attributes.map(() => [] as string[]);
  const lookups = attributes.map(() => new Map<string, number>());
  const actual = new Float64Array(n);
  const forecast = new Float64Array(n);
  const isRatio = first?.ratio !== undefined;
  const parts: RatioParts | null = isRatio
    ? { numActual: new Float64Array(n), numForecast: new Float64Array(n), denActual: new Float64Array(n), denForecast: new Float64Array(n) }
    : null;

  leaves.forEach((leaf, i) => {
    if (leaf.attributes.size !== attributes.length) {
      throw new CubeError(`leaf ${i} has attributes ${[...leaf.attributes.keys()].join(',')}, leaf 0 has ${attributes.join(',')}; give every leaf the same attributes`);
    }
    attributes.forEach((name, a) => {
      const value = leaf.attributes.get(name);
      const lookup = lookups[a];
      const dictionary = dictionaries[a];
      const column = codes[a];
      if (value === undefined || !lookup || !dictionary || !column) {
        throw new CubeError(`leaf ${i} lacks attribute "${name}"; give every leaf the same attributes`);
      }
      let code = lookup.get(value);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(value);
        lookup.set(value, code);
      }
      column[i] = code;
    });
    actual[i] = finite(leaf.actual);
    forecast[i] = finite(leaf.forecast);
    if (parts) {
      if (!leaf.ratio) throw new CubeError(`leaf ${i} has no numerator/denominator but leaf 0 has; a KPI is either additive or a ratio`);
      parts.numActual[i] = finite(leaf.ratio.numerator.actual);
      parts.numForecast[i] = finite(leaf.ratio.numerator.forecast);
      parts.denActual[i] = finite(leaf.ratio.denominator.actual);
      parts.denForecast[i] = finite(leaf.ratio.denominator.forecast);
    }
  });
  return { attributes, dictionaries, codes, actual, forecast, parts, size: n };
}

/** Missing or broken measurements count as 0 rather than poisoning every sum. */
function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** All cuboids (attribute index sets) of one layer, in lexicographic order. */
export function cuboidsOfLayer(attributeCount: number, layer: number): number[][] {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === layer) {
      out.push([...chosen]);
      return;
    }
    for (let a = start; a < attributeCount; a++) pick(a + 1, [...chosen, a]);
  };
  pick(0, []);
  return out;
}

/** Leaves grouped into the elements of one cuboid. */
export interface Grouping {
  /** leaf → element id, -1 for leaves left out */
  readonly elementOf: Int32Array;
  readonly count: number;
  /** element id → one leaf inside it (names the element) */
  readonly sampleLeaf: Int32Array;
}

/** Groups the leaves (only those with `keep[i] === 1` when given) by their values on `cuboid`. */
export function groupBy(cube: Cube, cuboid: readonly number[], keep?: Uint8Array): Grouping {
  const elementOf = new Int32Array(cube.size).fill(-1);
  const ids = new Map<number, number>();
  const samples: number[] = [];
  const columns = cuboid.map((a) => cube.codes[a] ?? new Int32Array(cube.size));
  const radices = cuboid.map((a) => cube.dictionaries[a]?.length ?? 1);
  for (let i = 0; i < cube.size; i++) {
    if (keep && keep[i] !== 1) continue;
    let key = 0;
    for (let c = 0; c < columns.length; c++) key = key * (radices[c] ?? 1) + (columns[c]?.[i] ?? 0);
    let id = ids.get(key);
    if (id === undefined) {
      id = samples.length;
      ids.set(key, id);
      samples.push(i);
    }
    elementOf[i] = id;
  }
  return { elementOf, count: samples.length, sampleLeaf: Int32Array.from(samples) };
}

/** Sums `values` per element of a grouping. */
export function sumBy(grouping: Grouping, values: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(grouping.count);
  for (let i = 0; i < grouping.elementOf.length; i++) {
    const id = grouping.elementOf[i] ?? -1;
    if (id >= 0) sums[id] = (sums[id] ?? 0) + (values[i] ?? 0);
  }
  return sums;
}

/** Canonical `attr=value&…` text of the element of `cuboid` that holds `leaf`. */
export function elementText(cube: Cube, cuboid: readonly number[], leaf: number): string {
  return cuboid
    .map((a) => `${cube.attributes[a] ?? ''}=${cube.dictionaries[a]?.[cube.codes[a]?.[leaf] ?? 0] ?? ''}`)
    .join('&');
}

/** True when `leaf` shares the values of `sample` on every attribute of `cuboid`. */
export function sameElement(cube: Cube, cuboid: readonly number[], sample: number, leaf: number): boolean {
  for (const a of cuboid) {
    const column = cube.codes[a];
    if (!column || column[sample] !== column[leaf]) return false;
  }
  return true;
}
