import { type EdgeId, type NodeId, type NodeRef } from './model.js';

/** The only function that makes node ids: `service:<name>` or `external:<address>`. */
export function nodeId(ref: NodeRef): NodeId {
  switch (ref.kind) {
    case 'service':
      return `service:${ref.name}` as NodeId;
    case 'external':
      return `external:${ref.address}` as NodeId;
  }
}

/** Reads a node id back into the ref it was made from; null when it is not one of ours. */
export function parseNodeId(id: string): NodeRef | null {
  const colon = id.indexOf(':');
  if (colon <= 0 || colon === id.length - 1) return null;
  const kind = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (kind === 'service') return { kind: 'service', name: rest };
  if (kind === 'external') return { kind: 'external', address: rest };
  return null;
}

/** `service:a->service:b#http1`; addresses may hold ':' so the separators differ. */
export function edgeId(source: NodeId, target: NodeId, protocol: string): EdgeId {
  return `${source}->${target}#${protocol}` as EdgeId;
}

/** What a person reads on the graph. */
export function nodeLabel(ref: NodeRef): string {
  return ref.kind === 'service' ? ref.name : ref.address;
}
