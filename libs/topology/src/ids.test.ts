import { describe, expect, it } from 'vitest';
import { edgeId, nodeId, nodeLabel, parseNodeId } from './ids.js';

describe('node and edge ids', () => {
  it('makes service and external node ids', () => {
    expect(nodeId({ kind: 'service', name: 'checkout' })).toBe('service:checkout');
    expect(nodeId({ kind: 'external', address: '[2001:db8::1]:443' })).toBe('external:[2001:db8::1]:443');
  });

  it('reads a node id back into its ref, keeping colons in addresses', () => {
    expect(parseNodeId('service:checkout')).toEqual({ kind: 'service', name: 'checkout' });
    expect(parseNodeId('external:10.0.0.1:8080')).toEqual({ kind: 'external', address: '10.0.0.1:8080' });
  });

  it('rejects strings that are not node ids', () => {
    expect(parseNodeId('pod:x')).toBeNull();
    expect(parseNodeId('service:')).toBeNull();
    expect(parseNodeId(':x')).toBeNull();
    expect(parseNodeId('checkout')).toBeNull();
  });

  it('joins an edge id from both ends and the protocol', () => {
    const a = nodeId({ kind: 'service', name: 'a' });
    const b = nodeId({ kind: 'external', address: '10.0.0.1:80' });
    expect(edgeId(a, b, 'http1')).toBe('service:a->external:10.0.0.1:80#http1');
  });

  it('labels a node by its name or address', () => {
    expect(nodeLabel({ kind: 'service', name: 'a' })).toBe('a');
    expect(nodeLabel({ kind: 'external', address: '10.0.0.1:80' })).toBe('10.0.0.1:80');
  });
});
