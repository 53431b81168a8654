/**
 * Topology model → cytoscape elements. The only file that knows both shapes:
 * the API and libs/topology stay renderer-free, and the graph style reads the
 * `data()` fields and classes produced here.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Topology, TopologyEdge, TopologyNode } from '@kinsight/topology';
import { formatLatency, formatPercent, formatRate } from '../../lib/format.js';

export const MIN_EDGE_WIDTH = 1.5;
export const MAX_EDGE_WIDTH = 8;

export interface NodeData {
  id: string;
  label: string;
  kind: TopologyNode['kind'];
  health: TopologyNode['health'];
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  health: TopologyEdge['health'];
  protocol: string;
  /** "12.3 rps · 4 ms", plus the error share when there are errors */
  label: string;
  /** line width in px, log-scaled against the busiest edge */
  width: number;
}

export function edgeLabel(edge: TopologyEdge): string {
  const { requestRate, meanLatencyMs, errorRate } = edge.metrics;
  const parts = [formatRate(requestRate), formatLatency(meanLatencyMs)];
  if (errorRate > 0) parts.push(`${formatPercent(errorRate)} err`);
  return parts.join(' · ');
}

/** Log scale keeps a 1 rps edge visible next to a 1000 rps edge. */
export function edgeWidth(requestRate: number, maxRequestRate: number): number {
  if (maxRequestRate <= 0 || requestRate <= 0) return MIN_EDGE_WIDTH;
  const share = Math.log1p(requestRate) / Math.log1p(maxRequestRate);
  return Math.round((MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * share) * 100) / 100;
}

export function toElements(topology: Topology): ElementDefinition[] {
  const maxRate = topology.edges.reduce((max, e) => Math.max(max, e.metrics.requestRate), 0);
  const nodes = topology.nodes.map((node): ElementDefinition => {
    const data: NodeData = { id: node.id, label: node.label, kind: node.kind, health: node.health };
    return { group: 'nodes', data };
  });
  const edges = topology.edges.map((edge): ElementDefinition => {
    const data: EdgeData = {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      health: edge.health,
      protocol: edge.protocol,
      label: edgeLabel(edge),
      width: edgeWidth(edge.metrics.requestRate, maxRate),
    };
    return { group: 'edges', data };
  });
  return [...nodes, ...edges];
}

/** Identity of the element set: layout re-runs only when this changes, not when numbers do. */
export function elementSetKey(elements: readonly ElementDefinition[]): string {
  return elements
    .map((el) => `${el.group ?? ''}:${String(el.data.id)}`)
    .sort()
    .join('|');
}
