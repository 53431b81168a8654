import {
  DEFAULT_HEALTH_THRESHOLDS,
  type BuildTopologyInput,
  type Topology,
  type TopologyEdge,
  type TopologyNode,
} from './model.js';
import { type DraftEdge, type DraftNode, type EnrichmentStep, type TopologyDraft } from './draft.js';
import { aggregateSamples } from './steps/aggregate.js';
import { computeGoldenMetrics } from './steps/golden-metrics.js';
import { assessHealth } from './steps/health.js';

/** The enrichment pipeline, in order. Later issues insert steps (grouping, network quality) here. */
export const TOPOLOGY_STEPS: readonly EnrichmentStep[] = [aggregateSamples, computeGoldenMetrics, assessHealth];

export function createDraft(input: BuildTopologyInput): TopologyDraft {
  if (!Number.isFinite(input.from) || !Number.isFinite(input.to) || input.from >= input.to) {
    throw new RangeError(`topology window [${input.from}, ${input.to}) is empty; pass from < to (epoch ms)`);
  }
  return {
    from: input.from,
    to: input.to,
    samples: input.samples,
    thresholds: { ...DEFAULT_HEALTH_THRESHOLDS, ...input.thresholds },
    nodes: new Map(),
    edges: new Map(),
  };
}

function missing(id: string, field: string): Error {
  return new Error(`topology ${id} has no ${field}; an enrichment step is missing from the list`);
}

function toNode(node: DraftNode): TopologyNode {
  if (!node.metrics) throw missing(node.id, 'golden metrics');
  if (!node.health) throw missing(node.id, 'health');
  // Built field by field rather than spread from the ref: the same keys in the same order, without a
  // generic object copy per node.
  const common = { id: node.id, label: node.label, served: node.metrics, health: node.health };
  return node.ref.kind === 'service'
    ? { kind: 'service', name: node.ref.name, ...common }
    : { kind: 'external', address: node.ref.address, ...common };
}

function toEdge(edge: DraftEdge): TopologyEdge {
  if (!edge.metrics) throw missing(edge.id, 'golden metrics');
  if (!edge.health) throw missing(edge.id, 'health');
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    protocol: edge.protocol,
    metrics: edge.metrics,
    statusClasses: edge.statusClasses,
    health: edge.health,
  };
}

// Code-unit order, not localeCompare: the same everywhere, whatever the locale.
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Turns a finished draft into the model, sorted by id so equal input gives equal JSON. */
export function finalizeTopology(draft: TopologyDraft): Topology {
  return {
    from: draft.from,
    to: draft.to,
    nodes: [...draft.nodes.values()].map(toNode).sort(byId),
    edges: [...draft.edges.values()].map(toEdge).sort(byId),
  };
}

export function buildTopology(
  input: BuildTopologyInput,
  steps: readonly EnrichmentStep[] = TOPOLOGY_STEPS,
): Topology {
  const draft = createDraft(input);
  for (const step of steps) step.apply(draft);
  return finalizeTopology(draft);
}
