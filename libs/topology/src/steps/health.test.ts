import { describe, expect, it } from 'vitest';
import { createDraft } from '../build.js';
import { SHOP_SAMPLES, WINDOW } from '../testing/samples.js';
import { aggregateSamples } from './aggregate.js';
import { computeGoldenMetrics } from './golden-metrics.js';
import { assessHealth } from './health.js';

describe('health step', () => {
  it('grades each node and edge against the default thresholds', () => {
    const draft = createDraft({ ...WINDOW, samples: SHOP_SAMPLES });
    for (const step of [aggregateSamples, computeGoldenMetrics, assessHealth]) step.apply(draft);
    const health = Object.fromEntries([...draft.nodes.values(), ...draft.edges.values()].map((e) => [e.id, e.health]));
    expect(health).toEqual({
      'service:loadgen': 'idle',
      'service:frontend': 'healthy',
      'service:checkout': 'warning',
      'service:payments': 'warning',
      'external:93.184.216.34:443': 'critical',
      'service:loadgen->service:frontend#http1': 'healthy',
      'service:frontend->service:checkout#http1': 'warning',
      'service:checkout->service:payments#http1': 'warning',
      'service:checkout->external:93.184.216.34:443#http1': 'critical',
    });
  });

  it('uses caller thresholds over the defaults', () => {
    const draft = createDraft({ ...WINDOW, samples: SHOP_SAMPLES, thresholds: { meanLatencyWarningMs: 2000 } });
    for (const step of [aggregateSamples, computeGoldenMetrics, assessHealth]) step.apply(draft);
    expect(draft.nodes.get('service:payments' as never)?.health).toBe('healthy');
  });

  it('names the missing step when golden metrics did not run', () => {
    const draft = createDraft({ ...WINDOW, samples: SHOP_SAMPLES });
    aggregateSamples.apply(draft);
    expect(() => assessHealth.apply(draft)).toThrow(
      "health step: service:loadgen->service:frontend#http1 has no golden metrics; run 'golden-metrics' before 'health'",
    );
  });
});
