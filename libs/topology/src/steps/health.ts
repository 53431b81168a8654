import { classifyHealth } from '../golden-metrics.js';
import { type EnrichmentStep } from '../draft.js';

/** Needs golden metrics; a missing one is a wiring bug in the step list, so it says which. */
export const assessHealth: EnrichmentStep = {
  name: 'health',
  apply(draft) {
    for (const element of [...draft.edges.values(), ...draft.nodes.values()]) {
      if (!element.metrics) {
        throw new Error(`health step: ${element.id} has no golden metrics; run 'golden-metrics' before 'health'`);
      }
      element.health = classifyHealth(element.metrics, draft.thresholds);
    }
  },
};
