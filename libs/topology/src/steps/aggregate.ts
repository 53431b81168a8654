import { addTotals, emptyTotals } from '../golden-metrics.js';
import { edgeId, nodeId, nodeLabel } from '../ids.js';
import { STATUS_CLASSES, type NodeRef, type StatusClass } from '../model.js';
import { type DraftNode, type EnrichmentStep, type TopologyDraft } from '../draft.js';

function zeroStatusClasses(): Record<StatusClass, number> {
  const counts = {} as Record<StatusClass, number>;
  for (const statusClass of STATUS_CLASSES) counts[statusClass] = 0;
  return counts;
}

function ensureNode(draft: TopologyDraft, ref: NodeRef): DraftNode {
  const id = nodeId(ref);
  let node = draft.nodes.get(id);
  if (!node) {
    node = { id, ref, label: nodeLabel(ref), served: emptyTotals(), metrics: null, health: null };
    draft.nodes.set(id, node);
  }
  return node;
}

/** Folds samples into one edge per (client, server, protocol) and sums what each server served. */
export const aggregateSamples: EnrichmentStep = {
  name: 'aggregate-samples',
  apply(draft) {
    for (const sample of draft.samples) {
      const client = ensureNode(draft, sample.client);
      const server = ensureNode(draft, sample.server);
      const id = edgeId(client.id, server.id, sample.protocol);
      let edge = draft.edges.get(id);
      if (!edge) {
        edge = {
          id,
          source: client.id,
          target: server.id,
          protocol: sample.protocol,
          totals: emptyTotals(),
          statusClasses: zeroStatusClasses(),
          metrics: null,
          health: null,
        };
        draft.edges.set(id, edge);
      }
      addTotals(edge.totals, sample);
      addTotals(server.served, sample);
      if ('statusClass' in sample) edge.statusClasses[sample.statusClass] += sample.requests;
      else {
        // Only the classes the sample has: usually one or two of the nine.
        for (const [statusClass, requests] of Object.entries(sample.statusClasses) as [StatusClass, number | undefined][]) {
          if (requests !== undefined && statusClass in edge.statusClasses) edge.statusClasses[statusClass] += requests;
        }
      }
    }
  },
};
