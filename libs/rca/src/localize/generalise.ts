import { formatElement, parseElement } from '../element.js';
import type { RootCause } from '../localizer.js';
import type { Cube } from './cube.js';
import type { LeafScores } from './risk-search.js';

/**
 * Reports two or more found elements as their common parent when they differ in one attribute only and
 * together carry at least `cover` of the parent's explanatory power: the search peels a cause off child by
 * child when the parent's risk was diluted by a few quiet leaves, and the fragments are the same cause.
 */
export function generaliseSiblings(cube: Cube, scores: LeafScores, found: readonly RootCause[], cover: number): RootCause[] {
  let current = [...found];
  for (;;) {
    const byParent = new Map<string, RootCause[]>();
    for (const cause of current) {
      const pairs = [...parseElement(cause.element)];
      if (pairs.length < 2) continue;
      for (let drop = 0; drop < pairs.length; drop++) {
        const parent = formatElement(new Map(pairs.filter((_, k) => k !== drop)));
        byParent.set(parent, [...(byParent.get(parent) ?? []), cause]);
      }
    }
    const best = [...byParent.entries()]
      .filter(([, children]) => children.length >= 2)
      .map(([parent, children]) => ({ parent, children, ep: parentPower(cube, scores, parent, current.filter((c) => !children.includes(c))) }))
      .filter((c) => c.ep > 0 && sumPower(c.children) >= cover * c.ep)
      .sort((a, b) => b.children.length - a.children.length || b.ep - a.ep)[0];
    if (!best) break;
    const merged = new Set(best.children.map((c) => c.element));
    const rank = current.findIndex((c) => merged.has(c.element));
    const parentCause: RootCause = {
      element: best.parent,
      score: Math.max(...best.children.map((c) => c.score)),
      evidence: { explanatoryPower: best.ep, mergedChildren: best.children.length, layer: parseElement(best.parent).size },
    };
    current = current.filter((c) => !merged.has(c.element));
    current.splice(Math.min(rank, current.length), 0, parentCause);
  }
  return current;
}

function sumPower(causes: readonly RootCause[]): number {
  return causes.reduce((s, c) => s + (c.evidence.explanatoryPower ?? 0), 0);
}

type Matcher = Array<{ column: Int32Array | undefined; code: number }>;

function matcher(cube: Cube, element: string): Matcher | null {
  const pairs = [...parseElement(element)].map(([name, value]) => {
    const a = cube.attributes.indexOf(name);
    return { column: cube.codes[a], code: cube.dictionaries[a]?.indexOf(value) ?? -1 };
  });
  return pairs.some((p) => !p.column || p.code < 0) ? null : pairs;
}

/**
 * Power of the parent's leaves that no other found cause already explains: leaves under a cause found
 * elsewhere (overlaps) would otherwise count against the children's cover.
 */
function parentPower(cube: Cube, scores: LeafScores, element: string, others: readonly RootCause[]): number {
  const pairs = matcher(cube, element);
  if (!pairs) return 0;
  const claimed = others.map((c) => matcher(cube, c.element)).filter((m): m is Matcher => m !== null);
  const inside = (m: Matcher, i: number): boolean => m.every((p) => p.column?.[i] === p.code);
  let ep = 0;
  for (let i = 0; i < cube.size; i++) if (inside(pairs, i) && !claimed.some((m) => inside(m, i))) ep += scores.ep[i] ?? 0;
  return ep;
}
