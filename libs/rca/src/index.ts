export { type Element, ElementFormatError, elementContains, formatElement, parseElement } from './element.js';
export { type Leaf, type Localizer, LocalizerRegistry, type Measure, type RootCause } from './localizer.js';
export * from './detect/index.js';
export * from './demarcate/index.js';
export * from './faulttree/index.js';
export * from './logs/index.js';
export * from './report/index.js';
export {
  ADTRIBUTOR_DEFAULTS,
  type AdtributorOptions,
  createAdtributor,
  createDefaultLocalizer,
  createLocalizerRegistry,
  createRiskLoc,
  DEFAULT_LOCALIZER_OPTIONS,
  type DefaultLocalizerOptions,
  deviationCutoff,
  RISKLOC_DEFAULTS,
  type RiskLocOptions,
} from './localize/index.js';
