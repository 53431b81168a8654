import { goldenMetrics } from '../golden-metrics.js';
import { type EnrichmentStep } from '../draft.js';

/** Rates are per second of the queried window, not of the buckets that had data. */
export const computeGoldenMetrics: EnrichmentStep = {
  name: 'golden-metrics',
  apply(draft) {
    const windowSeconds = (draft.to - draft.from) / 1000;
    for (const edge of draft.edges.values()) edge.metrics = goldenMetrics(edge.totals, windowSeconds);
    for (const node of draft.nodes.values()) node.metrics = goldenMetrics(node.served, windowSeconds);
  },
};
