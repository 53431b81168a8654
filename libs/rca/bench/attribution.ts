import { performance } from 'node:perf_hooks';
import { createLocalizerRegistry } from '../src/localize/index.js';
import { syntheticCase } from '../src/localize/synthetic.js';
import type { RcaBenchFigure } from './index.js';

/**
 * `attribution_ms_per_case`: the default localizer on a generated 21,600-leaf cube (4 attributes
 * 10×12×15×12, two layer-2 causes, 5 % noise, seeded), median of repeated runs; the baselines are
 * measured in the same run for comparison. The issue sets no goal for this figure.
 */
export async function* attributionBench(): AsyncIterable<RcaBenchFigure> {
  const { leaves } = syntheticCase({ seed: 21600, dimensions: [10, 12, 15, 12], rootCauses: 2, layer: 2, noise: 0.05, kind: 'additive' });
  const registry = createLocalizerRegistry();
  for (const name of registry.names()) {
    const localizer = registry.get(name);
    localizer.localize(leaves); // warm-up: JIT and allocation
    const times: number[] = [];
    for (let run = 0; run < 7; run++) {
      const started = performance.now();
      localizer.localize(leaves);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    yield {
      bench: 'rca',
      name: name === 'default' ? 'attribution_ms_per_case' : `attribution_ms_per_case_${name}`,
      value: Number((times[times.length >> 1] ?? 0).toFixed(2)),
      unit: 'ms',
      goal: null,
      better: 'lower',
    };
  }
}
