import type { FaultTree } from './load.js';
import type { Comparison, Condition, FaultClass, FaultTreeNode } from './schema.js';

/** Named numeric evidence plus labels for message templates (`{edge}` → "gateway→product"). */
export interface Evidence {
  values: Readonly<Record<string, number>>;
  labels?: Readonly<Record<string, string>>;
}

/** One node the walk tried. */
export interface FaultTreeStep {
  nodeId: string;
  title: string;
  passed: boolean;
  /** every evidence value the condition read (null = missing) */
  evidence: Record<string, number | null>;
  /** the comparisons that decided, e.g. `edge.retransmit_score = 7.2 ≥ 3` */
  why: string;
  message: string;
}

export interface Classification {
  faultClass: FaultClass;
  /** message of the node that decided the class */
  message: string;
  /** nodes on the taken path, root first; every one passed except a failing root */
  path: FaultTreeStep[];
  /** children tried and refused at each level, for "why not X" */
  rejected: FaultTreeStep[];
}

interface ConditionResult {
  passed: boolean;
  /** how far past its threshold (≥ 1 when passed); picks between passing siblings */
  strength: number;
  why: string[];
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(3)).toString();
}

function compare(c: Comparison, evidence: Evidence, read: Record<string, number | null>): ConditionResult {
  const value = evidence.values[c.evidence];
  if (value === undefined || !Number.isFinite(value)) {
    read[c.evidence] = null;
    return { passed: false, strength: 0, why: [`${c.evidence} missing`] };
  }
  read[c.evidence] = value;
  const passed =
    c.op === '>' ? value > c.threshold
    : c.op === '>=' ? value >= c.threshold
    : c.op === '<' ? value < c.threshold
    : c.op === '<=' ? value <= c.threshold
    : value === c.threshold;
  const up = c.op === '>' || c.op === '>=';
  const down = c.op === '<' || c.op === '<=';
  let strength = 1;
  if (up) strength = c.threshold > 0 ? value / c.threshold : 1 + value - c.threshold;
  else if (down) strength = value > 0 && c.threshold > 0 ? c.threshold / value : 1 + c.threshold - value;
  const op = passed ? c.op : negate(c.op);
  return { passed, strength, why: [`${c.evidence} = ${formatValue(value)} ${op} ${formatValue(c.threshold)}`] };
}

function negate(op: Comparison['op']): string {
  return op === '>' ? '<=' : op === '>=' ? '<' : op === '<' ? '>=' : op === '<=' ? '>' : '!=';
}

function check(condition: Condition, evidence: Evidence, read: Record<string, number | null>): ConditionResult {
  if ('evidence' in condition) return compare(condition, evidence, read);
  if ('all' in condition) {
    const parts = condition.all.map((c) => check(c, evidence, read));
    const failed = parts.filter((p) => !p.passed);
    if (failed.length > 0) return { passed: false, strength: 0, why: failed.flatMap((p) => p.why) };
    return { passed: true, strength: Math.min(Number.POSITIVE_INFINITY, ...parts.map((p) => p.strength)), why: parts.flatMap((p) => p.why) };
  }
  const parts = condition.any.map((c) => check(c, evidence, read));
  const passing = parts.filter((p) => p.passed);
  if (passing.length === 0) return { passed: false, strength: 0, why: parts.flatMap((p) => p.why) };
  return { passed: true, strength: Math.max(...passing.map((p) => p.strength)), why: passing.flatMap((p) => p.why) };
}

/** `{name}` → label, else evidence value, else left as written so a typo shows in the report. */
export function renderMessage(template: string, evidence: Evidence): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (whole, name: string) => {
    const label = evidence.labels?.[name];
    if (label !== undefined) return label;
    const value = evidence.values[name];
    return value !== undefined && Number.isFinite(value) ? formatValue(value) : whole;
  });
}

function step(node: FaultTreeNode, evidence: Evidence): { step: FaultTreeStep; strength: number } {
  const read: Record<string, number | null> = {};
  const result = check(node.condition, evidence, read);
  return {
    strength: result.strength,
    step: {
      nodeId: node.id,
      title: node.title,
      passed: result.passed,
      evidence: read,
      why: result.why.length > 0 ? result.why.join(' and ') : 'no condition (always holds)',
      message: renderMessage(node.message, evidence),
    },
  };
}

/**
 * Walks the tree from its root: at each node the children are tried, one passing child is followed
 * (first in order, or the strongest, per the tree's `choose`), and the walk stops where no child
 * passes. The class is that of the deepest node on the path that names one.
 */
export function classify(tree: FaultTree, evidence: Evidence): Classification {
  const rootStep = step(tree.root, evidence).step;
  const path: FaultTreeStep[] = [rootStep];
  const rejected: FaultTreeStep[] = [];
  if (!rootStep.passed) return { faultClass: 'unknown', message: rootStep.message, path, rejected };

  let node: FaultTreeNode = tree.root;
  // Acyclic (checked on load), so the walk ends within nodes.size steps.
  for (let depth = 0; depth < tree.nodes.size; depth++) {
    let chosen: { node: FaultTreeNode; step: FaultTreeStep; strength: number } | null = null;
    for (const childId of node.children) {
      const child = tree.nodes.get(childId);
      if (!child) continue;
      const tried = step(child, evidence);
      if (!tried.step.passed) {
        rejected.push(tried.step);
        continue;
      }
      if (chosen === null) chosen = { node: child, ...tried };
      else if (tree.choose === 'strongest' && tried.strength > chosen.strength) {
        rejected.push(chosen.step);
        chosen = { node: child, ...tried };
      } else rejected.push(tried.step);
      if (tree.choose === 'first') break;
    }
    if (chosen === null) break;
    path.push(chosen.step);
    node = chosen.node;
  }

  for (let i = path.length - 1; i >= 0; i--) {
    const at = path[i];
    const faultClass = at ? tree.nodes.get(at.nodeId)?.class : undefined;
    if (at && faultClass) return { faultClass, message: at.message, path, rejected };
  }
  return { faultClass: 'unknown', message: path[path.length - 1]?.message ?? '', path, rejected };
}
