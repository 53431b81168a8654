import { describe, expect, it } from 'vitest';
import type { Leaf } from '../localizer.js';
import { createAdtributor } from './adtributor.js';
import { createDefaultLocalizer } from './default.js';
import { createRiskLoc, deviationCutoff } from './riskloc.js';

/** service × region, forecast 100 everywhere; `actual` decides the anomaly. */
function cube(actual: (service: string, region: string) => number): Leaf[] {
  const leaves: Leaf[] = [];
  for (const service of ['cart', 'checkout', 'product'])
    for (const region of ['eu', 'us', 'ap'])
      leaves.push({ attributes: new Map([['service', service], ['region', region]]), forecast: 100, actual: actual(service, region) });
  return leaves;
}

/** error rate = errors/requests over service × region × pod, 1000 requests per leaf, 5 % baseline */
function errorRate(rate: (service: string, region: string, pod: number) => number): Leaf[] {
  const leaves: Leaf[] = [];
  for (const service of ['a', 'b', 'c', 'd', 'e', 'f'])
    for (const region of ['eu', 'us', 'ap', 'sa'])
      for (let pod = 0; pod < 5; pod++) {
        const r = rate(service, region, pod);
        leaves.push({
          attributes: new Map([['service', service], ['region', region], ['pod', `p${pod}`]]),
          actual: r,
          forecast: 0.05,
          ratio: { numerator: { actual: 1000 * r, forecast: 50 }, denominator: { actual: 1000, forecast: 1000 } },
        });
      }
  return leaves;
}

const names = (causes: { element: string }[]): string[] => causes.map((c) => c.element);
const WOBBLE: Record<string, number> = { cart: 0, checkout: 1, product: 2, eu: 0, us: 1, ap: 2 };
/** −1, 0 or +1 around 100, differing between neighbours so both sides of the cutoff have values */
const wobble = (service: string, region: string): number => 99 + (((WOBBLE[service] ?? 0) + (WOBBLE[region] ?? 0)) % 3);

describe('deviationCutoff', () => {
  it('mirrors the quieter side past the n most extreme distinct deviations', () => {
    expect(deviationCutoff([-1, -0.5, 0, 0.1, 0.1], 0)).toBe(-0.1);
    expect(deviationCutoff([-1, -0.5, 0, 0.1, 0.2], 1)).toBe(-0.1);
    expect(deviationCutoff([0.9, 0.8, -0.05, 0], 0)).toBe(0.05);
  });
});

describe('known-answer cubes', () => {
  const layer1 = cube((s, r) => (s === 'checkout' ? 40 : wobble(s, r)));
  const layer2 = cube((s, r) => (s === 'checkout' && r === 'eu' ? 30 : wobble(s, r)));

  it('riskloc finds a layer-1 and a layer-2 cause', () => {
    const riskloc = createRiskLoc({ nRemove: 0 });
    const found = riskloc.localize(layer1);
    expect(names(found)).toEqual(['service=checkout']);
    expect(found[0]?.evidence.layer).toBe(1);
    expect(names(riskloc.localize(layer2))).toEqual(['region=eu&service=checkout']);
  });

  it('default finds the same causes', () => {
    const localizer = createDefaultLocalizer({ nRemove: 0 });
    expect(names(localizer.localize(layer1))).toEqual(['service=checkout']);
    expect(names(localizer.localize(layer2))).toEqual(['region=eu&service=checkout']);
  });

  it('adtributor finds the layer-1 cause first and cannot name the layer-2 one', () => {
    const adtributor = createAdtributor();
    expect(names(adtributor.localize(layer1))[0]).toBe('service=checkout');
    expect(names(adtributor.localize(layer2))).not.toContain('region=eu&service=checkout');
    expect(names(adtributor.localize(layer2)).slice(0, 2).sort()).toEqual(['region=eu', 'service=checkout']);
  });

  it('on a 10 % error-rate rise default names the region where riskloc does not', () => {
    // pods alternate ±1 % so the normal side is not perfectly flat
    const leaves = errorRate((service, region, pod) => (service === 'a' && region === 'eu' ? 0.055 : 0.05) * (1 + ((pod % 3) - 1) / 200));
    expect(names(createDefaultLocalizer().localize(leaves))).toEqual(['region=eu&service=a']);
    expect(names(createRiskLoc().localize(leaves))).not.toContain('region=eu&service=a');
  });

  it('default also names a small second cause that is unmistakable by risk (residual pass)', () => {
    // service a loses 90 % of 4000; service b loses 80 % of its 40: under 1 % of the change, below the
    // 2 % power threshold once a is removed, but every leaf of b falls by the same factor
    const leaves: Leaf[] = [];
    for (const service of ['a', 'b', 'c', 'd'])
      for (const [k, region] of ['eu', 'us', 'ap', 'sa'].entries()) {
        const forecast = service === 'b' ? 10 : 1000;
        const actual = service === 'a' ? 100 : service === 'b' ? 2 : 999 + (k % 3);
        leaves.push({ attributes: new Map([['service', service], ['region', region]]), forecast, actual });
      }
    expect(names(createDefaultLocalizer({ nRemove: 0 }).localize(leaves))).toEqual(['service=a', 'service=b']);
    expect(names(createRiskLoc({ nRemove: 0 }).localize(leaves))).toEqual(['service=a']);
  });

  it('reports a cube without change as no cause', () => {
    const flat = cube(() => 100);
    expect(createDefaultLocalizer().localize(flat)).toEqual([]);
    expect(createRiskLoc().localize(flat)).toEqual([]);
    expect(createAdtributor().localize(flat)).toEqual([]);
  });

  it('names the leaf whose attributes differ', () => {
    const bad: Leaf[] = [...cube(() => 100), { attributes: new Map([['service', 'x']]), actual: 1, forecast: 1 }];
    expect(() => createRiskLoc().localize(bad)).toThrow('leaf 9 has attributes service, leaf 0 has region,service; give every leaf the same attributes');
  });
});
