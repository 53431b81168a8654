import { describe, expect, it } from 'vitest';
import { nodeRefSchema, statusClassSchema } from './schema.js';

describe('nodeRefSchema', () => {
  it('accepts services and externals at their length limits', () => {
    expect(nodeRefSchema.parse({ kind: 'service', name: 'a'.repeat(253) })).toEqual({ kind: 'service', name: 'a'.repeat(253) });
    expect(nodeRefSchema.parse({ kind: 'external', address: '1'.repeat(64) })).toEqual({ kind: 'external', address: '1'.repeat(64) });
  });

  it('names the field it refuses', () => {
    const paths = (input: unknown) => nodeRefSchema.safeParse(input).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ kind: 'service', name: '' })).toEqual(['name']);
    expect(paths({ kind: 'service', name: 'a'.repeat(254) })).toEqual(['name']);
    expect(paths({ kind: 'service', name: 'a\u0000b' })).toEqual(['name']);
    expect(paths({ kind: 'external', address: '1'.repeat(65) })).toEqual(['address']);
    expect(paths({ kind: 'pod', name: 'x' })).toEqual(['kind']);
  });
});

describe('statusClassSchema', () => {
  it('accepts the HTTP and the protocol-neutral classes only', () => {
    const all = ['1xx', '2xx', '3xx', '4xx', '5xx', 'ok', 'client_error', 'server_error', 'other'];
    expect(all.map((c) => statusClassSchema.safeParse(c).success)).toEqual(all.map(() => true));
    expect(statusClassSchema.safeParse('6xx').success).toBe(false);
  });
});
