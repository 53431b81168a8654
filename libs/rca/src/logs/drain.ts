/**
 * Drain-style online log template mining (He et al., ICWS 2017): lines are masked (numbers, ids,
 * addresses → <*>), routed by token count and the first tokens through a fixed-depth tree, and joined
 * to the most similar template in that leaf, or start a new one. Memory is bounded by maxTemplates.
 */

export interface DrainConfig {
  /** tokens used as routing keys below the length level (1: a variable second token, like a user name, still joins) */
  depth: number;
  /** share of equal tokens needed to join a template */
  similarity: number;
  /** routing children per node before extra keys share a wildcard branch */
  maxChildren: number;
  /** templates kept; further new shapes go to the nearest existing template */
  maxTemplates: number;
}

export const DEFAULT_DRAIN_CONFIG: DrainConfig = { depth: 1, similarity: 0.5, maxChildren: 100, maxTemplates: 2000 };

export const WILDCARD = '<*>';

export interface LogTemplate {
  id: number;
  tokens: string[];
  /** lines matched since the miner started */
  count: number;
  /** first line that created the template */
  example: string;
}

const MASKS: ReadonlyArray<RegExp> = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // uuid
  /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/, // ipv4[:port]
  /^0x[0-9a-f]+$/i,
  /^[-+]?\d+([.,]\d+)?(ms|s|us|ns|%|b|kb|mb)?$/i, // numbers with a unit
  /^[0-9a-f]{16,}$/i, // hashes, trace ids
];

/** Tokens of a line with volatile parts replaced by the wildcard. */
export function maskTokens(line: string): string[] {
  return line
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      const core = t.replace(/^[[("'{]+|[\])"'},;:]+$/g, '');
      return core.length > 0 && MASKS.some((m) => m.test(core)) ? WILDCARD : t;
    });
}

interface RouteNode {
  children: Map<string, RouteNode>;
  templates: LogTemplate[];
}

function newRoute(): RouteNode {
  return { children: new Map(), templates: [] };
}

function similarity(template: readonly string[], tokens: readonly string[]): { equal: number; wild: number } {
  let equal = 0;
  let wild = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === WILDCARD) wild++;
    else if (template[i] === tokens[i]) equal++;
  }
  return { equal: equal / Math.max(1, template.length), wild };
}

export class DrainMiner {
  private readonly config: DrainConfig;
  private readonly root = newRoute();
  private readonly all: LogTemplate[] = [];

  constructor(config: Partial<DrainConfig> = {}) {
    this.config = { ...DEFAULT_DRAIN_CONFIG, ...config };
  }

  /** Adds a line and returns the template it joined (its tokens may generalise in place). */
  add(line: string): LogTemplate {
    const tokens = maskTokens(line);
    const leaf = this.route(tokens);
    const found = this.best(leaf.templates, tokens);
    if (found) {
      for (let i = 0; i < found.tokens.length; i++) if (found.tokens[i] !== tokens[i]) found.tokens[i] = WILDCARD;
      found.count++;
      return found;
    }
    if (this.all.length >= this.config.maxTemplates) {
      const nearest = this.best(leaf.templates, tokens, 0) ?? this.all[this.all.length - 1];
      if (nearest) {
        nearest.count++;
        return nearest;
      }
    }
    const created: LogTemplate = { id: this.all.length + 1, tokens: [...tokens], count: 1, example: line };
    leaf.templates.push(created);
    this.all.push(created);
    return created;
  }

  /** Templates by count, most frequent first. */
  templates(): LogTemplate[] {
    return [...this.all].sort((a, b) => b.count - a.count || a.id - b.id);
  }

  private route(tokens: readonly string[]): RouteNode {
    let node = this.child(this.root, String(tokens.length));
    for (let i = 0; i < Math.min(this.config.depth, tokens.length); i++) {
      const token = tokens[i] ?? WILDCARD;
      // Tokens with digits are likely variables; route them together.
      const key = /\d/.test(token) ? WILDCARD : token;
      node = node.children.size >= this.config.maxChildren && !node.children.has(key) ? this.child(node, WILDCARD) : this.child(node, key);
    }
    return node;
  }

  private child(node: RouteNode, key: string): RouteNode {
    let next = node.children.get(key);
    if (!next) {
      next = newRoute();
      node.children.set(key, next);
    }
    return next;
  }

  private best(candidates: readonly LogTemplate[], tokens: readonly string[], minimum = this.config.similarity): LogTemplate | null {
    let best: LogTemplate | null = null;
    let bestSim = -1;
    let bestWild = -1;
    for (const t of candidates) {
      if (t.tokens.length !== tokens.length) continue;
      const s = similarity(t.tokens, tokens);
      if (s.equal > bestSim || (s.equal === bestSim && s.wild > bestWild)) {
        best = t;
        bestSim = s.equal;
        bestWild = s.wild;
      }
    }
    return best && bestSim >= minimum ? best : null;
  }
}

export interface TemplateCount {
  template: string;
  count: number;
  example: string;
}

/**
 * Counts per template over the lines of one window. Pass a long-lived miner to keep template ids and
 * shapes stable across windows; counts are for the given lines only.
 */
export function countTemplates(lines: readonly string[], miner: DrainMiner = new DrainMiner()): TemplateCount[] {
  const counts = new Map<LogTemplate, number>();
  for (const line of lines) {
    const t = miner.add(line);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([t, count]) => ({ template: t.tokens.join(' '), count, example: t.example }))
    .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template));
}
