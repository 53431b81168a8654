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

/**
 * HTTP calls by status class; every other protocol's calls as ok, client_error or server_error
 * (status-classes.ts maps each protocol's statuses); `other`: no response or an unclassified status.
 */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'ok' | 'client_error' | 'server_error' | 'other';
export const STATUS_CLASSES = [
  '1xx', '2xx', '3xx', '4xx', '5xx', 'ok', 'client_error', 'server_error', 'other',
] as const satisfies readonly StatusClass[];

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

interface EdgeSampleTotals {
  client: NodeRef;
  server: NodeRef;
  protocol: string;
  requests: number;
  errors: number;
  latencySumMs: number;
}

/**
 * One stored aggregate: calls from a client to a server in one time bucket, either all of one
 * status class or (a window's sums, one per edge) with the requests of each class.
 */
export type EdgeSample = EdgeSampleTotals & ({ statusClass: StatusClass } | { statusClasses: Partial<Record<StatusClass, number>> });

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
