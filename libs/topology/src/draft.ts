import { type TrafficTotals } from './golden-metrics.js';
import {
  type EdgeId,
  type EdgeSample,
  type GoldenMetrics,
  type Health,
  type HealthThresholds,
  type NodeId,
  type NodeRef,
  type StatusClass,
} from './model.js';

/**
 * The graph while enrichment steps run over it. Derived fields start null and are
 * filled by the step that owns them; `finalizeTopology` refuses a draft with gaps.
 */
export interface DraftNode {
  id: NodeId;
  ref: NodeRef;
  label: string;
  /** traffic of the inbound edges */
  served: TrafficTotals;
  metrics: GoldenMetrics | null;
  health: Health | null;
}

export interface DraftEdge {
  id: EdgeId;
  source: NodeId;
  target: NodeId;
  protocol: string;
  totals: TrafficTotals;
  statusClasses: Record<StatusClass, number>;
  metrics: GoldenMetrics | null;
  health: Health | null;
}

export interface TopologyDraft {
  from: number;
  to: number;
  samples: readonly EdgeSample[];
  thresholds: HealthThresholds;
  nodes: Map<NodeId, DraftNode>;
  edges: Map<EdgeId, DraftEdge>;
}

/** One named enrichment step; steps run in the order of `TOPOLOGY_STEPS`. */
export interface EnrichmentStep {
  readonly name: string;
  apply(draft: TopologyDraft): void;
}
