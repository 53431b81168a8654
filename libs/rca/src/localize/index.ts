import { LocalizerRegistry } from '../localizer.js';
import { createAdtributor } from './adtributor.js';
import { createDefaultLocalizer } from './default.js';
import { createRiskLoc } from './riskloc.js';

export { ADTRIBUTOR_DEFAULTS, type AdtributorOptions, createAdtributor } from './adtributor.js';
export { createDefaultLocalizer, DEFAULT_LOCALIZER_OPTIONS, type DefaultLocalizerOptions } from './default.js';
export { createRiskLoc, deviationCutoff, RISKLOC_DEFAULTS, type RiskLocOptions } from './riskloc.js';
// Service-level rules shared by the report and the evaluator.
export { attributeOnCallGraph, type CallGraphOptions, DEFAULT_CALL_GRAPH_OPTIONS, hasAdditiveSymptom, type ServiceAttribution } from './call-graph.js';
export { callNetworkScore, gatedNetworkScore, networkShare } from './network-share.js';
export { memoryGrowth, serviceMemoryGrowth, typicalLevel } from './resource-growth.js';

/** What the product uses ("default") and the baselines it is measured against, by name. */
export function createLocalizerRegistry(): LocalizerRegistry {
  return new LocalizerRegistry().register(createDefaultLocalizer()).register(createRiskLoc()).register(createAdtributor());
}
