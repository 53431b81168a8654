import type { Element } from './element.js';

/** Measured and expected value of one additive quantity (a count, a sum). */
export interface Measure {
  actual: number;
  forecast: number;
}

/**
 * One leaf of a multi-dimensional KPI: its attributes, what was measured and what was expected.
 * A derived ratio KPI (error rate = errors/requests, mean latency = sum/count) is not additive, so its
 * leaves also carry the two additive parts; `actual`/`forecast` are then the leaf's own ratios.
 */
export interface Leaf {
  attributes: Element;
  actual: number;
  forecast: number;
  ratio?: { numerator: Measure; denominator: Measure };
}

/** A ranked root cause with the evidence that ranked it. */
export interface RootCause {
  /** canonical `attr=value&attr=value` */
  element: string;
  score: number;
  evidence: Record<string, number>;
}

/** Every dimensional localizer (RiskLoc, Adtributor, …) takes the same input and answers the same way. */
export interface Localizer {
  readonly name: string;
  localize(leaves: readonly Leaf[]): RootCause[];
}

export class LocalizerRegistry {
  private readonly byName = new Map<string, Localizer>();

  register(localizer: Localizer): this {
    if (this.byName.has(localizer.name)) throw new Error(`localizer "${localizer.name}" is already registered`);
    this.byName.set(localizer.name, localizer);
    return this;
  }

  get(name: string): Localizer {
    const found = this.byName.get(name);
    if (!found) throw new Error(`unknown localizer "${name}"; known: ${[...this.byName.keys()].join(', ') || 'none'}`);
    return found;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
