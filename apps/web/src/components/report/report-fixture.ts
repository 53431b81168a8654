/**
 * Test data: the seed's gateway → product network case as libs/rca's buildReport writes it (numbers
 * rounded), plus a second and third root cause so lists and diagrams have more than one suspect.
 * Imported by tests only.
 */
import type { RcaReport } from '@kinsight/rca';

export const WINDOW_FROM = 1_700_000_000_000;
export const WINDOW_TO = 1_700_000_060_000;

export const GATEWAY_NETWORK_REPORT: RcaReport = {
  version: 1,
  entry: 'gateway',
  symptom: 'latency',
  window: { from: WINDOW_FROM, to: WINDOW_TO },
  phenomenon: 'gateway latency is abnormal (score 84.0); the anomaly propagates along gateway → product',
  keyMetrics: [
    { kind: 'service', entity: 'gateway', metric: 'latency_p99', role: 'symptom', score: 83.957 },
    { kind: 'edge', entity: 'gateway->product', metric: 'latency_p99', role: 'evidence', score: 101.6 },
    { kind: 'edge', entity: 'gateway->product', metric: 'retransmits', role: 'evidence', score: 458.423 },
  ],
  summary: 'network at edge gateway->product: the call gateway→product shows TCP retransmits (score 458) rising together with its response time (score 102)',
  faultClass: 'network',
  classification: {
    faultClass: 'network',
    message: 'the call gateway→product shows TCP retransmits (score 458) rising together with its response time (score 102)',
    path: [
      {
        nodeId: 'entry-abnormal',
        title: 'Something on the propagation is abnormal',
        passed: true,
        evidence: { 'entry.anomaly_score': 83.957, 'suspect.anomaly_score': 105.304 },
        why: 'entry.anomaly_score = 84 >= 3 and suspect.anomaly_score = 105 >= 3',
        message: 'gateway latency is abnormal (score 84) or its suspect product is (score 105)',
      },
      {
        nodeId: 'downstream-abnormal',
        title: 'Abnormal downstream dependency',
        passed: true,
        evidence: { 'entry.downstream_count': 2, 'suspect.is_downstream': 1, 'suspect.anomaly_score': 105.304 },
        why: 'entry.downstream_count = 2 >= 1 and suspect.is_downstream = 1 >= 1 and suspect.anomaly_score = 105 >= 3',
        message: 'gateway depends on product, which carries the same anomaly (score 105)',
      },
      {
        nodeId: 'network-on-call',
        title: 'Network problem on the call',
        passed: true,
        evidence: { 'edge.retransmit_score': 458.423, 'edge.latency_score': 101.6, 'edge.rtt_score': 0.059 },
        why: 'edge.retransmit_score = 458 >= 3 and edge.latency_score = 102 >= 3',
        message: 'the call gateway→product shows TCP retransmits (score 458) rising together with its response time (score 102)',
      },
    ],
    rejected: [
      {
        nodeId: 'resource-cpu',
        title: 'CPU saturation',
        passed: false,
        evidence: { 'suspect.cpu_score': 0.461 },
        why: 'suspect.cpu_score = 0.461 < 3',
        message: 'product is CPU-bound',
      },
    ],
  },
  rootCauses: [
    {
      rank: 1,
      kind: 'edge',
      id: 'gateway->product',
      faultClass: 'network',
      score: 563.727,
      summary: 'the call gateway→product shows TCP retransmits (score 458) rising together with its response time (score 102)',
      evidence: { 'edge.retransmit_score': 458.423, 'edge.latency_score': 101.6, 'edge.rtt_score': 0.059, 'suspect.cpu_score': 0.461 },
      treePath: ['entry-abnormal', 'downstream-abnormal', 'network-on-call'],
    },
    {
      rank: 2,
      kind: 'service',
      id: 'product',
      faultClass: 'downstream_dependency',
      score: 105.304,
      summary: 'product carries the anomaly',
      evidence: { 'suspect.anomaly_score': 105.304 },
      treePath: ['entry-abnormal', 'downstream-abnormal'],
    },
    {
      rank: 3,
      kind: 'machine',
      id: 'node-b',
      faultClass: 'resource_cpu',
      score: 4.2,
      summary: 'machine node-b is abnormal on the propagation path',
      evidence: { cpu_score: 4.2 },
      treePath: [],
    },
  ],
  propagation: { path: ['gateway', 'product'], hops: [{ from: 'gateway', to: 'product', score: 105.304, explainedShare: 0.908 }] },
  logTemplates: [{ template: 'timeout calling db after <*> ms', count: 2, example: 'timeout calling db after 300 ms' }],
  slowStatements: [{ system: 'sql', statement: 'SELECT * FROM items WHERE id = ?', calls: 10, p99Ms: 120 }],
};
