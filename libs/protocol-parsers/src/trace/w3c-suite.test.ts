import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type W3cCase, type W3cExpectation, readW3cSuite } from '../testing/index.js';
import { extractTraceContext } from './extract.js';
import type { TraceContext } from './types.js';

// The W3C trace-context conformance suite (w3c/trace-context test/test.py) read as data: every
// request it sends and every assertion it makes about the propagated context. "The service keeps
// trace id X" = we extract X; "the service restarts the trace" = we extract nothing.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const suiteDir = path.resolve(repoRoot, '../shared/corpora/trace-context/vectors/w3c-trace-context');
const suite = readW3cSuite(readFileSync(path.join(suiteDir, 'test.py'), 'utf8'));
const results = suite.cases.map((c) => extractTraceContext(c.headers));

/** The tracestate as the suite's reference `Tracestate` class would read it back. */
function members(ctx: TraceContext | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ctx?.tracestate?.split(',') ?? []) {
    const eq = m.indexOf('=');
    if (!out.has(m.slice(0, eq))) out.set(m.slice(0, eq), m.slice(eq + 1));
  }
  return out;
}

function check(c: W3cCase, ctx: TraceContext | null, e: W3cExpectation): void {
  const state = members(ctx);
  const text = ctx?.tracestate ?? '';
  switch (e.kind) {
    case 'trace-id':
      expect(ctx?.trace_id, c.name).toBe(e.equals);
      expect(ctx?.format, c.name).toBe('w3c');
      return;
    case 'trace-id-not':
      // Only W3C headers are sent, so a restart means no context at all.
      expect(ctx, c.name).toBeNull();
      return;
    case 'tracestate-key':
      expect(state.has(e.key), `${c.name} has ${e.key}`).toBe(true);
      if (e.value !== null) expect(state.get(e.key), c.name).toBe(e.value);
      return;
    case 'tracestate-no-key':
      expect(state.has(e.key), `${c.name} lacks ${e.key}`).toBe(false);
      return;
    case 'tracestate-size':
      expect(state.size, c.name).toBe(e.size);
      return;
    case 'tracestate-contains':
      expect(e.anyOf.some((s) => text.includes(s)), `${c.name}: ${text}`).toBe(true);
      return;
    case 'tracestate-order':
      expect(text.indexOf(e.before), c.name).toBeGreaterThanOrEqual(0);
      expect(text.indexOf(e.before) < text.indexOf(e.after), `${c.name}: ${text}`).toBe(true);
      return;
    case 'tracestate-not-empty-string':
      expect(ctx?.tracestate, c.name).not.toBe('');
      return;
    case 'tracestate-size-equals-case':
      expect(state.size, c.name).toBe(members(results[e.otherCase] ?? null).size);
      return;
  }
}

describe('W3C trace-context conformance suite (test.py)', () => {
  it('reads every test method, request and assertion of the suite', () => {
    expect(suite.testMethods.length).toBe(41);
    expect(suite.cases.length).toBe(83);
    expect(suite.cases.reduce((n, c) => n + c.expectations.length, 0)).toBe(154);
    // What the service itself mints (a new span id, one id per callback), not what it parses.
    expect(suite.skipped.map((s) => s.test)).toEqual([
      'test_traceparent_included_tracestate_missing', 'test_multiple_requests_with_valid_traceparent',
      'test_multiple_requests_with_valid_traceparent', 'test_multiple_requests_without_traceparent',
      'test_multiple_requests_with_illegal_traceparent', 'test_propagates_random_flag', 'test_propagates_random_flag',
    ]);
  });

  it.each(suite.cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const ctx = results[i] ?? null;
    for (const e of c.expectations) check(c, ctx, e);
    if (!c.headers.some(([n]) => n.toLowerCase() === 'traceparent')) expect(ctx).toBeNull();
  });

  it('propagates sampled from the flags and keeps the whole tracestate in order', () => {
    const ctx = extractTraceContext([
      ['traceparent', '00-12345678901234567890123456789012-1234567890123456-01'],
      ['tracestate', 'foo=1,bar=2'], ['tracestate', 'rojo=1,congo=2'], ['tracestate', 'baz=3'],
    ]);
    expect(ctx).toEqual({
      trace_id: '12345678901234567890123456789012', span_id: '1234567890123456', format: 'w3c', sampled: true,
      tracestate: 'foo=1,bar=2,rojo=1,congo=2,baz=3',
    });
  });

  it('rejects upper-case hex, which the suite\'s own traceparent grammar forbids', () => {
    expect(extractTraceContext([['traceparent', '00-12345678901234567890123456789ABC-1234567890123456-01']])).toBeNull();
    expect(extractTraceContext([['traceparent', '00-12345678901234567890123456789abc-123456789012345F-01']])).toBeNull();
    expect(extractTraceContext([['traceparent', '00-12345678901234567890123456789abc-1234567890123456-0A']])).toBeNull();
  });
});
