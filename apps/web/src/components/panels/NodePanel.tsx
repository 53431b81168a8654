'use client';
/** What one service served in the window, and the connections around it. */
import type { Topology, TopologyEdge, TopologyNode } from '@kinsight/topology';
import { formatCount, formatLatency, formatPercent, formatRate } from '../../lib/format.js';
import type { Selection } from '../../lib/url-state.js';
import { OpenExceptionsLink } from '../insights/OpenExceptionsLink.js';
import { MetricGrid, MetricTile, Panel, panelStyles } from './Panel.js';

export interface NodePanelProps {
  node: TopologyNode;
  topology: Topology;
  labelOf: (id: string) => string;
  onSelect: (selection: Selection) => void;
  onClose: () => void;
}

function EdgeList({
  title,
  edges,
  peerOf,
  onSelect,
  testId,
}: {
  title: string;
  edges: TopologyEdge[];
  peerOf: (edge: TopologyEdge) => string;
  onSelect: (selection: Selection) => void;
  testId: string;
}) {
  return (
    <section>
      <h3 className={panelStyles.sectionTitle}>{title}</h3>
      {edges.length === 0 ? (
        <p className={panelStyles.note}>None in this window.</p>
      ) : (
        <ul className={panelStyles.linkList} data-testid={testId}>
          {edges.map((edge) => (
            <li key={edge.id}>
              <button type="button" className={panelStyles.linkButton} onClick={() => onSelect({ kind: 'edge', id: edge.id })}>
                <span>{peerOf(edge)}</span>
                <span className={panelStyles.linkMeta}>
                  {formatRate(edge.metrics.requestRate)} · {formatPercent(edge.metrics.errorRate)} err
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function NodePanel({ node, topology, labelOf, onSelect, onClose }: NodePanelProps) {
  const { served } = node;
  const inbound = topology.edges.filter((e) => e.target === node.id);
  const outbound = topology.edges.filter((e) => e.source === node.id);
  return (
    <Panel
      testId="node-panel"
      kicker={node.kind === 'service' ? 'Service' : 'External endpoint'}
      title={node.label}
      health={node.health}
      onClose={onClose}
    >
      <p className={panelStyles.note}>Calls this {node.kind === 'service' ? 'service' : 'endpoint'} served in the window.</p>
      <MetricGrid>
        <MetricTile label="Avg rate" value={formatRate(served.requestRate)} testId="node-request-rate" />
        <MetricTile label="Error rate" value={formatPercent(served.errorRate)} tone={served.errors > 0 ? 'bad' : undefined} testId="node-error-rate" />
        <MetricTile label="Mean latency" value={formatLatency(served.meanLatencyMs)} testId="node-latency" />
        <MetricTile label="Requests" value={formatCount(served.requests)} testId="node-requests" />
        <MetricTile label="Errors" value={formatCount(served.errors)} tone={served.errors > 0 ? 'bad' : undefined} testId="node-errors" />
      </MetricGrid>
      <OpenExceptionsLink selection={{ kind: 'node', id: node.id }} />
      <EdgeList title="Called by" edges={inbound} peerOf={(e) => labelOf(e.source)} onSelect={onSelect} testId="node-inbound" />
      <EdgeList title="Calls" edges={outbound} peerOf={(e) => labelOf(e.target)} onSelect={onSelect} testId="node-outbound" />
    </Panel>
  );
}
