/**
 * A root-cause element: a set of attribute=value pairs, e.g. `service=product&status=5xx`.
 * Every localizer answers in this canonical form (attributes sorted), so results from different
 * algorithms and dataset ground truths compare by plain string equality.
 */
export type Element = ReadonlyMap<string, string>;

export class ElementFormatError extends Error {
  override readonly name = 'ElementFormatError';
}

const PAIR_SEPARATOR = '&';
const KEY_VALUE_SEPARATOR = '=';

/** Canonical text of an element: pairs sorted by attribute name, joined by `&`. */
export function formatElement(element: Element): string {
  return [...element.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}${KEY_VALUE_SEPARATOR}${v}`)
    .join(PAIR_SEPARATOR);
}

/** Parses `a=1&b=2` (in any order) into an element; names the bad pair on malformed input. */
export function parseElement(text: string): Element {
  const element = new Map<string, string>();
  for (const pair of text.split(PAIR_SEPARATOR)) {
    const at = pair.indexOf(KEY_VALUE_SEPARATOR);
    if (at <= 0) throw new ElementFormatError(`"${pair}" in "${text}" is not attribute=value`);
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (element.has(key)) throw new ElementFormatError(`attribute "${key}" appears twice in "${text}"`);
    element.set(key, value);
  }
  return element;
}

/** True when `leaf` lies inside `element` (it carries every pair of the element). */
export function elementContains(element: Element, leaf: Element): boolean {
  for (const [k, v] of element) if (leaf.get(k) !== v) return false;
  return true;
}
