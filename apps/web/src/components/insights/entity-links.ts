/**
 * The one place that maps between topology ids (`service:gateway`,
 * `service:gateway->service:product#http1`) and the root-cause engine's entity names
 * (`service` + `gateway`, `edge` + `gateway->product`), in both directions.
 */
import { parseNodeId } from '@kinsight/topology';
import type { ExceptionEntity } from './insights-state.js';

/** What the engine calls a topology node: its service name or external address. */
function engineName(nodeId: string): string | null {
  const ref = parseNodeId(nodeId);
  if (!ref) return null;
  return ref.kind === 'service' ? ref.name : ref.address;
}

/** Topology selection → the entity its exceptions are filed under; null for ids that are not ours. */
export function exceptionEntityOf(selection: { kind: 'node' | 'edge'; id: string }): ExceptionEntity | null {
  if (selection.kind === 'node') {
    const name = engineName(selection.id);
    return name === null ? null : { kind: 'service', id: name };
  }
  const hash = selection.id.lastIndexOf('#');
  const pair = hash > 0 ? selection.id.slice(0, hash) : selection.id;
  // Node ids never hold "->", so the first one separates caller and callee.
  const arrow = pair.indexOf('->');
  if (arrow <= 0) return null;
  const from = engineName(pair.slice(0, arrow));
  const to = engineName(pair.slice(arrow + 2));
  return from === null || to === null ? null : { kind: 'edge', id: `${from}->${to}` };
}

/** An engine name back to a topology node id; names that already are node ids pass through. */
export function nodeIdOf(name: string): string {
  return parseNodeId(name) ? name : `service:${name}`;
}

/**
 * Where the topology shows an entity. An edge's topology id carries its protocol, which the engine's
 * name does not, so an edge opens its caller, whose panel lists the call.
 */
export function topologyHref(entity: ExceptionEntity): string | null {
  const params = new URLSearchParams({ range: '15m' });
  if (entity.kind === 'service') {
    params.set('node', nodeIdOf(entity.id));
    return `/?${params.toString()}`;
  }
  if (entity.kind === 'edge') {
    const arrow = entity.id.indexOf('->');
    if (arrow <= 0) return null;
    params.set('node', nodeIdOf(entity.id.slice(0, arrow)));
    return `/?${params.toString()}`;
  }
  return null;
}
