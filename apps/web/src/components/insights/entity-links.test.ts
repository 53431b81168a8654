import { describe, expect, it } from 'vitest';
import { exceptionEntityOf, nodeIdOf, topologyHref } from './entity-links.js';

describe('exceptionEntityOf', () => {
  it('files a service node under its name', () => {
    expect(exceptionEntityOf({ kind: 'node', id: 'service:gateway' })).toEqual({ kind: 'service', id: 'gateway' });
    expect(exceptionEntityOf({ kind: 'node', id: 'external:10.0.0.7:443' })).toEqual({ kind: 'service', id: '10.0.0.7:443' });
  });

  it('files a call edge under caller->callee without its protocol', () => {
    expect(exceptionEntityOf({ kind: 'edge', id: 'service:gateway->service:product#http1' })).toEqual({ kind: 'edge', id: 'gateway->product' });
    expect(exceptionEntityOf({ kind: 'edge', id: 'service:api->external:db.example:5432#pgsql' })).toEqual({ kind: 'edge', id: 'api->db.example:5432' });
  });

  it('refuses ids that are not topology ids', () => {
    expect(exceptionEntityOf({ kind: 'node', id: 'gateway' })).toBeNull();
    expect(exceptionEntityOf({ kind: 'edge', id: 'service:a#http1' })).toBeNull();
    expect(exceptionEntityOf({ kind: 'edge', id: 'a->b#http1' })).toBeNull();
  });
});

describe('topology links', () => {
  it('opens a service, and an edge at its caller', () => {
    expect(topologyHref({ kind: 'service', id: 'gateway' })).toBe('/?range=15m&node=service%3Agateway');
    expect(topologyHref({ kind: 'edge', id: 'gateway->product' })).toBe('/?range=15m&node=service%3Agateway');
    expect(topologyHref({ kind: 'machine', id: 'node-a' })).toBeNull();
  });

  it('keeps names that already are node ids', () => {
    expect(nodeIdOf('service:gateway')).toBe('service:gateway');
    expect(nodeIdOf('external:10.0.0.7:443')).toBe('external:10.0.0.7:443');
    expect(nodeIdOf('product')).toBe('service:product');
  });
});
