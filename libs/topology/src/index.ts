export * from './model.js';
export { nodeId, edgeId, parseNodeId, nodeLabel } from './ids.js';
export { nodeRefSchema, printableText, statusClassSchema } from './schema.js';
export { goldenMetrics, classifyHealth, type TrafficTotals } from './golden-metrics.js';
export { buildTopology, TOPOLOGY_STEPS } from './build.js';
export {
  HTTP_STATUS_PROTOCOLS,
  HTTP_STATUS_CLASSES,
  OUTCOME_STATUS_CLASSES,
  statusClassesOf,
  statusClassOf,
  countsAsError,
  classifyCall,
  isClientErrorClass,
  isServerErrorClass,
} from './status-classes.js';
export type { EnrichmentStep, TopologyDraft, DraftNode, DraftEdge } from './draft.js';
export {
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  emptyLatencyHistogram,
  latencyQuantileMs,
} from './latency-buckets.js';
