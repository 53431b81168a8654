import { describe, expect, it } from 'vitest';
import { ElementFormatError, elementContains, formatElement, parseElement } from './element.js';
import { LocalizerRegistry } from './localizer.js';

describe('canonical elements', () => {
  it('formats with attributes sorted, whatever the input order', () => {
    expect(formatElement(parseElement('status=5xx&service=product'))).toBe('service=product&status=5xx');
    expect(formatElement(new Map([['b', '2'], ['a', '1'], ['c', '3']]))).toBe('a=1&b=2&c=3');
  });

  it('names the malformed pair', () => {
    expect(() => parseElement('service=product&oops')).toThrow(new ElementFormatError('"oops" in "service=product&oops" is not attribute=value'));
    expect(() => parseElement('a=1&a=2')).toThrow('attribute "a" appears twice in "a=1&a=2"');
  });

  it('tests leaf membership', () => {
    const leaf = parseElement('service=product&status=5xx&node=n1');
    expect(elementContains(parseElement('service=product'), leaf)).toBe(true);
    expect(elementContains(parseElement('service=product&status=2xx'), leaf)).toBe(false);
  });
});

describe('LocalizerRegistry', () => {
  it('finds localizers by name and refuses duplicates and unknown names', () => {
    const registry = new LocalizerRegistry().register({ name: 'noop', localize: () => [] });
    expect(registry.get('noop').localize([])).toEqual([]);
    expect(registry.names()).toEqual(['noop']);
    expect(() => registry.register({ name: 'noop', localize: () => [] })).toThrow('localizer "noop" is already registered');
    expect(() => registry.get('riskloc')).toThrow('unknown localizer "riskloc"; known: noop');
  });
});
