import { type FaultTreeDocument, type FaultTreeNode, faultTreeSchema } from './schema.js';

export class FaultTreeError extends Error {
  override readonly name = 'FaultTreeError';
}

/** A validated tree: nodes by id, children resolved, acyclic. */
export interface FaultTree {
  id: string;
  root: FaultTreeNode;
  choose: FaultTreeDocument['choose'];
  nodes: ReadonlyMap<string, FaultTreeNode>;
}

/**
 * Parses and checks a tree document (already JSON/YAML-decoded). Every error names the tree, the node
 * and what to change, so a bad custom tree fails at load, not in the middle of an incident.
 */
export function loadFaultTree(document: unknown): FaultTree {
  const parsed = faultTreeSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(document)';
    throw new FaultTreeError(`fault tree: ${where}: ${issue?.message ?? 'invalid'}; fix the tree document`);
  }
  const doc = parsed.data;
  const name = `fault tree "${doc.id}"`;

  const nodes = new Map<string, FaultTreeNode>();
  for (const node of doc.nodes) {
    if (nodes.has(node.id)) throw new FaultTreeError(`${name}: node id "${node.id}" is defined twice; rename one of them`);
    nodes.set(node.id, node);
  }
  for (const node of doc.nodes) {
    for (const child of node.children) {
      if (!nodes.has(child)) {
        throw new FaultTreeError(`${name}: node "${node.id}" names child "${child}", which is not defined; define it or remove the reference`);
      }
    }
  }
  const root = nodes.get(doc.root);
  if (!root) throw new FaultTreeError(`${name}: root "${doc.root}" is not defined; set root to one of the node ids`);

  const cycle = findCycle(nodes);
  if (cycle) throw new FaultTreeError(`${name}: cycle ${cycle.join(' → ')}; a node may not be its own descendant`);
  return { id: doc.id, root, choose: doc.choose, nodes };
}

/** Iterative DFS with colours; returns the node ids of the first cycle found, closed (a → b → a). */
function findCycle(nodes: ReadonlyMap<string, FaultTreeNode>): string[] | null {
  const colour = new Map<string, 'grey' | 'black'>();
  for (const start of nodes.keys()) {
    if (colour.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    colour.set(start, 'grey');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const children = nodes.get(top.id)?.children ?? [];
      const child = children[top.next++];
      if (child === undefined) {
        colour.set(top.id, 'black');
        stack.pop();
        continue;
      }
      const c = colour.get(child);
      if (c === 'grey') {
        const from = stack.findIndex((f) => f.id === child);
        return [...stack.slice(from).map((f) => f.id), child];
      }
      if (c === undefined) {
        colour.set(child, 'grey');
        stack.push({ id: child, next: 0 });
      }
    }
  }
  return null;
}
