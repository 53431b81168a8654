import { describe, expect, it } from 'vitest';
import { buildReport, MetricWindows, type RcaTopology } from '@kinsight/rca';
import { GATEWAY_NETWORK_REPORT } from './report-fixture.js';
import { faultClassLabel, toPropagationElements } from './to-propagation-elements.js';

const dataOf = (elements: ReturnType<typeof toPropagationElements>, group: 'nodes' | 'edges') =>
  elements.filter((e) => e.group === group).map((e) => e.data);

describe('toPropagationElements', () => {
  it('draws the walk from the entry and marks the suspect edge, service and machine by rank', () => {
    const elements = toPropagationElements(GATEWAY_NETWORK_REPORT);
    expect(dataOf(elements, 'nodes')).toEqual([
      { id: 'gateway', label: 'gateway (entry)', kind: 'service', role: 'entry', health: 'warning', suspect: false, rank: 0 },
      { id: 'product', label: 'product (#2 suspect)', kind: 'service', role: 'terminal', health: 'critical', suspect: true, rank: 2 },
      { id: 'node-b', label: 'node-b (#3 suspect)', kind: 'machine', role: 'machine', health: 'critical', suspect: true, rank: 3 },
    ]);
    expect(dataOf(elements, 'edges')).toEqual([
      { id: 'gateway->product', source: 'gateway', target: 'product', health: 'critical', label: '#1 network problem', width: 6, suspect: true, rank: 1 },
    ]);
  });

  it('labels a propagating call that is not a suspect with its score and explained share', () => {
    const report = {
      entry: 'gateway',
      propagation: {
        path: ['gateway', 'product', 'inventory'],
        hops: [
          { from: 'gateway', to: 'product', score: 12.34, explainedShare: 0.8 },
          { from: 'product', to: 'inventory', score: 7, explainedShare: null },
        ],
      },
      rootCauses: [{ rank: 1, kind: 'service' as const, id: 'inventory', faultClass: 'slow_database' as const, score: 9, summary: '', evidence: {}, treePath: [] }],
    };
    const elements = toPropagationElements(report);
    expect(dataOf(elements, 'nodes').map((n) => [n['id'], n['role'], n['suspect']])).toEqual([
      ['gateway', 'entry', false],
      ['product', 'relay', false],
      ['inventory', 'terminal', true],
    ]);
    expect(dataOf(elements, 'edges').map((e) => [e['id'], e['label'], e['suspect'], e['width']])).toEqual([
      ['gateway->product', 'z 12.3 · explains 80%', false, 3],
      ['product->inventory', 'z 7.0', false, 3],
    ]);
  });

  it('adds a suspect call the walk did not take, with both ends', () => {
    const elements = toPropagationElements({
      entry: 'gateway',
      propagation: { path: ['gateway'], hops: [] },
      rootCauses: [{ rank: 1, kind: 'edge', id: 'gateway->auth', faultClass: 'network', score: 5, summary: '', evidence: {}, treePath: [] }],
    });
    expect(dataOf(elements, 'nodes').map((n) => n['id'])).toEqual(['gateway', 'auth']);
    expect(dataOf(elements, 'edges')).toMatchObject([{ id: 'gateway->auth', source: 'gateway', target: 'auth', suspect: true }]);
  });

  it('draws just the entry when nothing propagates and ignores malformed edge ids', () => {
    const elements = toPropagationElements({
      entry: 'gateway',
      propagation: { path: ['gateway'], hops: [] },
      rootCauses: [{ rank: 1, kind: 'edge', id: 'nonsense', faultClass: 'network', score: 5, summary: '', evidence: {}, treePath: [] }],
    });
    expect(elements).toEqual([{ group: 'nodes', data: { id: 'gateway', label: 'gateway (entry)', kind: 'service', role: 'entry', health: 'warning', suspect: false, rank: 0 } }]);
  });

  it("marks gateway→product as the suspect in the engine's own report of the seed case", () => {
    // The seed: gateway latency up, product slow, the call's retransmits and latency rising together.
    const wiggle = (level: number, n: number, phase: number) => Array.from({ length: n }, (_, i) => level * (1 + 0.02 * Math.sin(i * 1.7 + phase)));
    const metrics = new MetricWindows();
    const put = (kind: 'service' | 'edge', entity: string, metric: string, before: number, now: number, phase: number) =>
      metrics.set({ kind, entity, metric }, { baseline: wiggle(before, 30, phase), window: wiggle(now, 6, phase) });
    put('service', 'gateway', 'latency_p99', 0.12, 0.62, 0);
    put('service', 'product', 'latency_p99', 0.08, 0.5, 1);
    put('edge', 'gateway->product', 'latency_p99', 0.09, 0.55, 2);
    put('edge', 'gateway->product', 'retransmits', 1, 24, 3);
    const topology: RcaTopology = { services: ['gateway', 'product'], machines: [], calls: [{ from: 'gateway', to: 'product' }], runsOn: [] };
    const report = buildReport({ topology, metrics, entry: 'gateway', symptom: 'latency', window: { from: 0, to: 60_000 } });
    const suspectEdges = dataOf(toPropagationElements(report), 'edges').filter((e) => e['suspect'] === true);
    expect(suspectEdges.map((e) => [e['id'], e['rank']])).toEqual([['gateway->product', 1]]);
    expect(report.faultClass).toBe('network');
  });
});

describe('faultClassLabel', () => {
  it('says what a fault class means', () => {
    expect(faultClassLabel('network')).toBe('network problem');
    expect(faultClassLabel('resource_memory')).toBe('memory pressure');
    expect(faultClassLabel('disk_full')).toBe('disk full');
  });
});
