import { describe, expect, it } from 'vitest';
import { classify } from './evaluate.js';
import { defaultFaultTree, loadFaultTree } from './index.js';

const node = (id: string, children: string[] = [], extra: Record<string, unknown> = {}) => ({
  id, title: id, message: `at ${id}`, children, condition: { evidence: 'x', op: '>=', threshold: 1 }, ...extra,
});
const tree = (nodes: unknown[], root = 'a') => ({ id: 't', version: 1, root, nodes });

describe('fault tree validation', () => {
  it('loads the built-in tree', () => {
    expect(defaultFaultTree().nodes.size).toBe(10);
  });

  it('names duplicate ids, undefined references, cycles and a missing root', () => {
    expect(() => loadFaultTree(tree([node('a'), node('a')]))).toThrow('fault tree "t": node id "a" is defined twice; rename one of them');
    expect(() => loadFaultTree(tree([node('a', ['b'])]))).toThrow('fault tree "t": node "a" names child "b", which is not defined; define it or remove the reference');
    expect(() => loadFaultTree(tree([node('a', ['b']), node('b', ['c']), node('c', ['b'])]))).toThrow('fault tree "t": cycle b → c → b; a node may not be its own descendant');
    expect(() => loadFaultTree(tree([node('a')], 'z'))).toThrow('fault tree "t": root "z" is not defined; set root to one of the node ids');
  });

  it('refuses a non-numeric threshold and unknown classes with the path of the field', () => {
    const bad = node('a', [], { condition: { evidence: 'x', op: '>=', threshold: '3' } });
    expect(() => loadFaultTree(tree([bad]))).toThrow(/^fault tree: nodes\.0\.condition: /);
    expect(() => loadFaultTree(tree([node('a', [], { class: 'gremlins' })]))).toThrow(/^fault tree: nodes\.0\.class: /);
  });
});

describe('classify', () => {
  const t = loadFaultTree({
    id: 't', version: 1, root: 'r', choose: 'strongest',
    nodes: [
      { id: 'r', title: 'root', message: 'root', condition: { all: [] }, children: ['cpu', 'mem'], class: 'unknown' },
      { id: 'cpu', title: 'cpu', message: 'cpu {s} at {cpu}', condition: { evidence: 'cpu', op: '>=', threshold: 3 }, class: 'resource_cpu' },
      { id: 'mem', title: 'mem', message: 'mem', condition: { any: [{ evidence: 'mem', op: '>=', threshold: 3 }, { evidence: 'oom', op: '>', threshold: 0 }] }, class: 'resource_memory' },
    ],
  });

  it('follows the strongest passing child and explains the path', () => {
    const c = classify(t, { values: { cpu: 4, mem: 9 }, labels: { s: 'api' } });
    expect(c.faultClass).toBe('resource_memory');
    expect(c.path.map((p) => [p.nodeId, p.why])).toEqual([['r', 'no condition (always holds)'], ['mem', 'mem = 9 >= 3']]);
    expect(c.rejected.map((p) => [p.nodeId, p.passed, p.message])).toEqual([['cpu', true, 'cpu api at 4']]);
  });

  it('reports missing evidence and stops at the deepest classed node', () => {
    const c = classify(t, { values: { cpu: 1 } });
    expect(c.faultClass).toBe('unknown');
    expect(c.rejected.map((p) => p.why)).toEqual(['cpu = 1 < 3', 'mem missing and oom missing']);
    expect(c.rejected[1]?.evidence).toEqual({ mem: null, oom: null });
  });
});
