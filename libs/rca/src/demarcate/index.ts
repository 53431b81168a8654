export { type Demarcation, type DemarcationConfig, DEFAULT_DEMARCATION_CONFIG, type Hop, type Suspect, type SuspectKind, demarcate, symptomScore } from './demarcate.js';
export { MetricWindows, NETWORK_METRICS, type RcaTopology, RESOURCE_METRICS, SYMPTOM_METRICS, type SeriesWindow, type Symptom, edgeEntity } from './model.js';
