/**
 * Root-cause report → cytoscape elements for the fault-propagation diagram: the services the anomaly
 * travelled through (entry first), the calls it travelled along, and the ranked suspects — a suspect
 * service, machine or call edge carries `suspect: true` and its rank, which the stylesheet makes stand
 * out. `health` reuses the topology's colours: critical = suspect, warning = carries the anomaly.
 */
import type { ElementDefinition } from 'cytoscape';
import type { RcaReport } from '@kinsight/rca';
import type { Health } from '@kinsight/topology';

export type PropagationRole = 'entry' | 'relay' | 'terminal' | 'machine';

export interface PropagationNodeData {
  id: string;
  label: string;
  kind: 'service' | 'machine';
  role: PropagationRole;
  health: Health;
  suspect: boolean;
  /** rank of the root cause this node is, 0 when it is none */
  rank: number;
}

export interface PropagationEdgeData {
  id: string;
  source: string;
  target: string;
  health: Health;
  label: string;
  width: number;
  suspect: boolean;
  rank: number;
}

const PATH_WIDTH = 3;
const SUSPECT_WIDTH = 6;

function splitEdge(id: string): [string, string] | null {
  const arrow = id.indexOf('->');
  return arrow > 0 && arrow < id.length - 2 ? [id.slice(0, arrow), id.slice(arrow + 2)] : null;
}

const FAULT_WORDS: Record<string, string> = {
  network: 'network problem',
  downstream_dependency: 'slow dependency',
  resource_cpu: 'CPU saturation',
  resource_memory: 'memory pressure',
  code_error: 'code error',
  slow_database: 'slow database',
  traffic_surge: 'traffic surge',
  unknown: 'unclassified',
};

export function faultClassLabel(faultClass: string): string {
  return FAULT_WORDS[faultClass] ?? faultClass.replaceAll('_', ' ');
}

function hopLabel(score: number, explainedShare: number | null): string {
  const parts = [`z ${score.toFixed(1)}`];
  if (explainedShare !== null) parts.push(`explains ${Math.round(Math.min(explainedShare, 9.99) * 100)}%`);
  return parts.join(' · ');
}

export function toPropagationElements(report: Pick<RcaReport, 'entry' | 'propagation' | 'rootCauses'>): ElementDefinition[] {
  const nodes = new Map<string, PropagationNodeData>();
  const edges = new Map<string, PropagationEdgeData>();

  const addService = (id: string, role: PropagationRole) => {
    const existing = nodes.get(id);
    if (existing) return existing;
    // Every service drawn carries the anomaly (the walk only follows abnormal calls).
    const node: PropagationNodeData = { id, label: id, kind: 'service', role, health: 'warning', suspect: false, rank: 0 };
    nodes.set(id, node);
    return node;
  };

  addService(report.entry, 'entry');
  for (const hop of report.propagation.hops) {
    addService(hop.from, hop.from === report.entry ? 'entry' : 'relay');
    addService(hop.to, 'relay');
    const id = `${hop.from}->${hop.to}`;
    edges.set(id, { id, source: hop.from, target: hop.to, health: 'warning', label: hopLabel(hop.score, hop.explainedShare), width: PATH_WIDTH, suspect: false, rank: 0 });
  }
  // The walk stops at services whose callees no longer carry the anomaly.
  const callers = new Set(report.propagation.hops.map((h) => h.from));
  for (const node of nodes.values()) if (node.role === 'relay' && !callers.has(node.id)) node.role = 'terminal';
  for (const id of report.propagation.path) addService(id, 'relay');

  for (const cause of [...report.rootCauses].sort((a, b) => a.rank - b.rank)) {
    const mark = (data: { suspect: boolean; rank: number; health: Health }) => {
      if (data.suspect) return;
      data.suspect = true;
      data.rank = cause.rank;
      data.health = 'critical';
    };
    if (cause.kind === 'edge') {
      const ends = splitEdge(cause.id);
      if (!ends) continue;
      addService(ends[0], ends[0] === report.entry ? 'entry' : 'relay');
      addService(ends[1], 'terminal');
      const edge = edges.get(cause.id) ?? { id: cause.id, source: ends[0], target: ends[1], health: 'warning' as Health, label: '', width: PATH_WIDTH, suspect: false, rank: 0 };
      edges.set(cause.id, edge);
      if (!edge.suspect) edge.label = `#${cause.rank} ${faultClassLabel(cause.faultClass)}`;
      mark(edge);
      edge.width = SUSPECT_WIDTH;
    } else if (cause.kind === 'machine') {
      const machine = nodes.get(cause.id) ?? { id: cause.id, label: cause.id, kind: 'machine' as const, role: 'machine' as const, health: 'warning' as Health, suspect: false, rank: 0 };
      nodes.set(cause.id, machine);
      mark(machine);
    } else {
      mark(addService(cause.id, 'terminal'));
    }
  }

  for (const node of nodes.values()) {
    const tags = [node.role === 'entry' ? 'entry' : null, node.suspect ? `#${node.rank} suspect` : null].filter((t) => t !== null);
    node.label = tags.length > 0 ? `${node.id} (${tags.join(', ')})` : node.id;
  }
  return [
    ...[...nodes.values()].map((data): ElementDefinition => ({ group: 'nodes', data: { ...data } })),
    ...[...edges.values()].map((data): ElementDefinition => ({ group: 'edges', data: { ...data } })),
  ];
}
