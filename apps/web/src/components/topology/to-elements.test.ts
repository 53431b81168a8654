import { describe, expect, it } from 'vitest';
import type { EdgeId, GoldenMetrics, NodeId, Topology } from '@kinsight/topology';
import { edgeWidth, elementSetKey, toElements } from './to-elements.js';

const nid = (s: string) => s as NodeId;
const eid = (s: string) => s as EdgeId;
const none = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, ok: 0, client_error: 0, server_error: 0, other: 0 };
const idle: GoldenMetrics = { requests: 0, errors: 0, requestRate: 0, errorRate: 0, meanLatencyMs: null };

const topology: Topology = {
  from: 1_700_000_000_000,
  to: 1_700_000_300_000,
  nodes: [
    { kind: 'service', name: 'gateway', id: nid('service:gateway'), label: 'gateway', served: idle, health: 'idle' },
    {
      kind: 'service', name: 'product', id: nid('service:product'), label: 'product', health: 'critical',
      served: { requests: 3000, errors: 300, requestRate: 10, errorRate: 0.1, meanLatencyMs: 4.2 },
    },
    {
      kind: 'external', address: '10.0.0.9:5432', id: nid('external:10.0.0.9:5432'), label: '10.0.0.9:5432',
      health: 'healthy', served: { requests: 300, errors: 0, requestRate: 1, errorRate: 0, meanLatencyMs: 0.8 },
    },
  ],
  edges: [
    {
      id: eid('service:gateway->service:product'), source: nid('service:gateway'), target: nid('service:product'),
      protocol: 'http1', health: 'critical', statusClasses: { ...none, '2xx': 2700, '5xx': 300 },
      metrics: { requests: 3000, errors: 300, requestRate: 10, errorRate: 0.1, meanLatencyMs: 4.2 },
    },
    {
      id: eid('service:product->external:10.0.0.9:5432'), source: nid('service:product'),
      target: nid('external:10.0.0.9:5432'), protocol: 'postgres', health: 'healthy',
      statusClasses: { ...none, other: 300 },
      metrics: { requests: 300, errors: 0, requestRate: 1, errorRate: 0, meanLatencyMs: 0.8 },
    },
  ],
};

describe('toElements', () => {
  it('turns nodes and edges into cytoscape elements carrying the data the style reads', () => {
    expect(toElements(topology)).toEqual([
      { group: 'nodes',
        data: { id: 'service:gateway', label: 'gateway', kind: 'service', health: 'idle' } },
      { group: 'nodes',
        data: { id: 'service:product', label: 'product', kind: 'service', health: 'critical' } },
      { group: 'nodes',
        data: { id: 'external:10.0.0.9:5432', label: '10.0.0.9:5432', kind: 'external', health: 'healthy' } },
      { group: 'edges',
        data: {
          id: 'service:gateway->service:product', source: 'service:gateway', target: 'service:product',
          health: 'critical', protocol: 'http1', label: '10.0 rps · 4 ms · 10.0% err', width: 8,
        } },
      { group: 'edges',
        data: {
          id: 'service:product->external:10.0.0.9:5432', source: 'service:product',
          target: 'external:10.0.0.9:5432', health: 'healthy', protocol: 'postgres',
          // 1.5 + 6.5 * ln(2) / ln(11)
          label: '1.0 rps · 0.80 ms', width: 3.38,
        } },
    ]);
  });

  it('returns no elements for an empty topology', () => {
    expect(toElements({ from: 0, to: 1, nodes: [], edges: [] })).toEqual([]);
  });
});

describe('edgeWidth', () => {
  it('is the minimum for idle edges and when nothing has traffic', () => {
    expect(edgeWidth(0, 10)).toBe(1.5);
    expect(edgeWidth(0, 0)).toBe(1.5);
  });

  it('is the maximum for the busiest edge', () => {
    expect(edgeWidth(1234, 1234)).toBe(8);
  });
});

describe('elementSetKey', () => {
  it('ignores numbers and order, and changes when an element appears', () => {
    const elements = toElements(topology);
    const busier = toElements({
      ...topology,
      edges: topology.edges.map((e) => ({ ...e, metrics: { ...e.metrics, requestRate: e.metrics.requestRate * 5 } })),
    });
    expect(elementSetKey([...busier].reverse())).toBe(elementSetKey(elements));
    expect(elementSetKey(elements.slice(0, 4))).not.toBe(elementSetKey(elements));
    expect(elementSetKey(elements)).toBe(
      'edges:service:gateway->service:product|edges:service:product->external:10.0.0.9:5432|' +
        'nodes:external:10.0.0.9:5432|nodes:service:gateway|nodes:service:product',
    );
  });
});
