import { describe, expect, it } from 'vitest';
import { createDraft } from '../build.js';
import { checkout, frontend, SHOP_SAMPLES, WINDOW } from '../testing/samples.js';
import { aggregateSamples } from './aggregate.js';

describe('aggregate-samples step', () => {
  const draft = createDraft({ ...WINDOW, samples: SHOP_SAMPLES });
  aggregateSamples.apply(draft);

  it('makes one node per distinct ref and one edge per client, server and protocol', () => {
    expect([...draft.nodes.keys()].sort()).toEqual([
      'external:93.184.216.34:443',
      'service:checkout',
      'service:frontend',
      'service:loadgen',
      'service:payments',
    ]);
    expect([...draft.edges.keys()].sort()).toEqual([
      'service:checkout->external:93.184.216.34:443#http1',
      'service:checkout->service:payments#http1',
      'service:frontend->service:checkout#http1',
      'service:loadgen->service:frontend#http1',
    ]);
  });

  it('sums requests, errors and latency over buckets and status classes', () => {
    const edge = draft.edges.get('service:frontend->service:checkout#http1' as never);
    expect(edge?.totals).toEqual({ requests: 600, errors: 12, latencySumMs: 12_960 });
    expect(edge?.statusClasses).toEqual({ '1xx': 0, '2xx': 588, '3xx': 0, '4xx': 0, '5xx': 12, ok: 0, client_error: 0, server_error: 0, other: 0 });
    expect(draft.edges.get('service:loadgen->service:frontend#http1' as never)?.totals).toEqual({
      requests: 1200,
      errors: 0,
      latencySumMs: 30_000,
    });
  });

  it('takes samples that carry the requests of each status class as well', () => {
    const perClass = createDraft({
      ...WINDOW,
      samples: [
        { client: frontend, server: checkout, protocol: 'http1', requests: 600, errors: 12, latencySumMs: 12_960, statusClasses: { '2xx': 588, '5xx': 12 } },
      ],
    });
    aggregateSamples.apply(perClass);
    const edge = perClass.edges.get('service:frontend->service:checkout#http1' as never);
    expect([edge?.totals, edge?.statusClasses]).toEqual([
      draft.edges.get('service:frontend->service:checkout#http1' as never)?.totals,
      draft.edges.get('service:frontend->service:checkout#http1' as never)?.statusClasses,
    ]);
  });

  it('counts what a node served from its inbound edges only', () => {
    expect(draft.nodes.get('service:checkout' as never)?.served).toEqual({ requests: 600, errors: 12, latencySumMs: 12_960 });
    expect(draft.nodes.get('service:loadgen' as never)?.served).toEqual({ requests: 0, errors: 0, latencySumMs: 0 });
  });

  it('leaves derived fields to later steps', () => {
    for (const element of [...draft.nodes.values(), ...draft.edges.values()]) {
      expect(element.metrics).toBeNull();
      expect(element.health).toBeNull();
    }
  });
});
