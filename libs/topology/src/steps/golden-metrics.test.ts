import { describe, expect, it } from 'vitest';
import { createDraft } from '../build.js';
import { SHOP_SAMPLES, WINDOW } from '../testing/samples.js';
import { aggregateSamples } from './aggregate.js';
import { computeGoldenMetrics } from './golden-metrics.js';

describe('golden-metrics step', () => {
  const draft = createDraft({ ...WINDOW, samples: SHOP_SAMPLES });
  aggregateSamples.apply(draft);
  computeGoldenMetrics.apply(draft);

  it('gives edges a rate over the 600 s window, an error rate and a mean latency', () => {
    expect(draft.edges.get('service:frontend->service:checkout#http1' as never)?.metrics).toEqual({
      requests: 600,
      errors: 12,
      requestRate: 1,
      errorRate: 0.02,
      meanLatencyMs: 21.6,
    });
  });

  it('gives nodes the metrics of what they served, and none to a pure client', () => {
    expect(draft.nodes.get('service:frontend' as never)?.metrics).toEqual({
      requests: 1200,
      errors: 0,
      requestRate: 2,
      errorRate: 0,
      meanLatencyMs: 25,
    });
    expect(draft.nodes.get('service:loadgen' as never)?.metrics).toEqual({
      requests: 0,
      errors: 0,
      requestRate: 0,
      errorRate: 0,
      meanLatencyMs: null,
    });
  });
});
