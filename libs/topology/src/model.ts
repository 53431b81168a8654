/**
 * The topology model: what the dashboard draws and the root-cause engine walks.
 * It knows nothing about storage or rendering.
 */

declare const nodeIdBrand: unique symbol;
/** Stable id of a topology node; only `nodeId()` makes one. */
export type NodeId = string & { readonly [nodeIdBrand]: true };

declare const edgeIdBrand: unique symbol;
export type EdgeId = string & { readonly [edgeIdBrand]: true };

/** Where a node comes from decides its kind; later issues add pods, databases, machines. */
export type NodeRef =
  | { kind: 'service'; name: string }
  | { kind: 'external'; address: string };

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'other';
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const satisfies readonly StatusClass[];

/** Requests, errors and latency over a window: the golden signals of one edge or node. */
export interface GoldenMetrics {
  requests: number;
  errors: number;
  /** requests per second over the queried window */
  requestRate: number;
  /** errors / requests, 0 when there were no requests */
  errorRate: number;
  /** mean latency in milliseconds, null when there were no requests */
  meanLatencyMs: number | null;
}

export type Health = 'healthy' | 'warning' | 'critical' | 'idle';

export type TopologyNode = NodeRef & {
  id: NodeId;
  label: string;
  /** golden metrics of the calls this node served (inbound edges) */
  served: GoldenMetrics;
  health: Health;
};

export interface TopologyEdge {
  id: EdgeId;
  source: NodeId;
  target: NodeId;
  protocol: string;
  metrics: GoldenMetrics;
  statusClasses: Record<StatusClass, number>;
  health: Health;
}

export interface Topology {
  /** epoch milliseconds, inclusive */
  from: number;
  /** epoch milliseconds, exclusive */
  to: number;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** One stored aggregate: calls from a client to a server in one time bucket. */
export interface EdgeSample {
  client: NodeRef;
  server: NodeRef;
  protocol: string;
  statusClass: StatusClass;
  requests: number;
  errors: number;
  latencySumMs: number;
}

/** Where a node or edge turns from healthy to warning or critical. */
export interface HealthThresholds {
  /** errors / requests at or above which the element is critical */
  errorRateCritical: number;
  /** errors / requests at or above which the element is a warning */
  errorRateWarning: number;
  /** mean latency (ms) at or above which the element is a warning */
  meanLatencyWarningMs: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: Readonly<HealthThresholds> = {
  errorRateCritical: 0.05,
  errorRateWarning: 0.01,
  meanLatencyWarningMs: 1000,
};

export interface BuildTopologyInput {
  /** epoch milliseconds, inclusive */
  from: number;
  /** epoch milliseconds, exclusive */
  to: number;
  samples: readonly EdgeSample[];
  thresholds?: Partial<HealthThresholds>;
}
