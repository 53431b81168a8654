import defaultTreeDocument from './default-tree.json' with { type: 'json' };
import { type FaultTree, loadFaultTree } from './load.js';

export { type Classification, type Evidence, type FaultTreeStep, classify, renderMessage } from './evaluate.js';
export { type FaultTree, FaultTreeError, loadFaultTree } from './load.js';
export { type Comparison, type Condition, FAULT_CLASSES, type FaultClass, type FaultTreeDocument, type FaultTreeNode } from './schema.js';

let cached: FaultTree | null = null;

/** The built-in tree (src/faulttree/default-tree.json), validated once. */
export function defaultFaultTree(): FaultTree {
  cached ??= loadFaultTree(defaultTreeDocument);
  return cached;
}
