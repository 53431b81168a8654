import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTopology, TOPOLOGY_STEPS } from './build.js';
import { SHOP_SAMPLES, WINDOW } from './testing/samples.js';

const GOLDEN = fileURLToPath(new URL('./__golden__/shop-topology.json', import.meta.url));

describe('buildTopology', () => {
  it('runs aggregate, golden metrics and health, in that order', () => {
    expect(TOPOLOGY_STEPS.map((step) => step.name)).toEqual(['aggregate-samples', 'golden-metrics', 'health']);
  });

  it('matches the golden shop graph (regenerate with UPDATE_GOLDEN=1)', () => {
    const json = `${JSON.stringify(buildTopology({ ...WINDOW, samples: SHOP_SAMPLES }), null, 2)}\n`;
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, json);
    expect(existsSync(GOLDEN), `${GOLDEN} is missing; run the test with UPDATE_GOLDEN=1`).toBe(true);
    expect(json).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('sorts nodes and edges by id whatever the sample order', () => {
    const forward = buildTopology({ ...WINDOW, samples: SHOP_SAMPLES });
    const backward = buildTopology({ ...WINDOW, samples: [...SHOP_SAMPLES].reverse() });
    expect(backward).toEqual(forward);
    expect(forward.nodes.map((n) => n.id)).toEqual([
      'external:93.184.216.34:443',
      'service:checkout',
      'service:frontend',
      'service:loadgen',
      'service:payments',
    ]);
  });

  it('returns an empty graph for a window without samples', () => {
    expect(buildTopology({ ...WINDOW, samples: [] })).toEqual({ ...WINDOW, nodes: [], edges: [] });
  });

  it('refuses an empty window', () => {
    expect(() => buildTopology({ from: 10, to: 10, samples: [] })).toThrow(
      'topology window [10, 10) is empty; pass from < to (epoch ms)',
    );
  });

  it('names the missing step when the list is incomplete', () => {
    expect(() => buildTopology({ ...WINDOW, samples: SHOP_SAMPLES }, TOPOLOGY_STEPS.slice(0, 2))).toThrow(
      'topology service:loadgen has no health; an enrichment step is missing from the list',
    );
  });
});
