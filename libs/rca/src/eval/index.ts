export { type CsvTable, parseCsvLine, readCsv } from './csv.js';
export { type CaseInput, evaluateLocalization, type LocalizationCase, type UnreadableCase } from './localization.js';
export { DATASET_ADAPTERS, type DatasetAdapter, type EvalLine, type EvalOptions, findAdapter } from './registry.js';
export { RS_FORECAST, type RsForecastOptions, risklocRsAdapter, rsCases, rsLeaves } from './riskloc-rs.js';
export { type CaseScore, type MicroScore, microScore, parseRootCauseSet, scoreCase } from './score.js';
export { readLeaves, squeezeAdapter, squeezeCases } from './squeeze.js';
