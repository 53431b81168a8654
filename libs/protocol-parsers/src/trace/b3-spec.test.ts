import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractTraceContext } from './extract.js';
import type { TraceHeader } from './types.js';

// openzipkin/b3-propagation README: every fenced header example and every inline `X-B3-…: value`
// example is read from the spec text and decoded.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const readme = readFileSync(path.resolve(repoRoot, '../shared/corpora/trace-context/vectors/b3-propagation/README.md'), 'utf8');

const header = (line: string): TraceHeader => {
  const colon = line.indexOf(':');
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
};
const blocks: TraceHeader[][] = [...readme.matchAll(/```\n([\s\S]*?)```/g)]
  .map((m) => (m[1] ?? '').split('\n').filter((l) => /^(b3|X-B3-\w+):/i.test(l)).map(header))
  .filter((b) => b.length > 0);
const inline: TraceHeader[] = [...readme.matchAll(/might look like: `(X-B3-\w+: [0-9a-f]+)`/g)].map((m) => header(m[1] ?? ''));

const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const SPAN = 'e457b5a2e4d86bd1';

describe('B3 propagation spec examples', () => {
  it('finds the spec\'s eight fenced header examples', () => {
    expect(blocks.map((b) => b.length)).toEqual([4, 1, 1, 1, 1, 1, 1, 1]);
    expect(blocks.map((b) => extractTraceContext(b))).toEqual([
      { trace_id: TRACE, span_id: SPAN, format: 'b3', sampled: true },
      { trace_id: TRACE, span_id: SPAN, format: 'b3-single', sampled: true }, // "becomes one b3 header"
      null, // `b3: 0`: a deny decision without ids is no trace context
      { trace_id: TRACE, span_id: SPAN, format: 'b3-single', sampled: true }, // TraceId example
      { trace_id: TRACE, span_id: SPAN, format: 'b3-single', sampled: true }, // SpanId example
      { trace_id: TRACE, span_id: SPAN, format: 'b3-single', sampled: true }, // `-d`: debug implies accept
      null,
      { trace_id: TRACE, span_id: SPAN, format: 'b3-single', sampled: true }, // ParentSpanId example
    ]);
  });

  it('decodes the inline multi-header examples together', () => {
    expect(inline.map(([n]) => n)).toEqual(['X-B3-TraceId', 'X-B3-SpanId', 'X-B3-ParentSpanId', 'X-B3-Sampled']);
    expect(extractTraceContext(inline)).toEqual({
      trace_id: '463ac35c9f6413ad48485a3953bb6124', span_id: 'a2fb4a1d1a96d312', format: 'b3', sampled: true,
    });
  });

  it('follows the spec rules for ids, sampling and precedence', () => {
    const multi = (extra: Array<[string, string]>, trace = TRACE) => extractTraceContext([['X-B3-TraceId', trace], ['X-B3-SpanId', SPAN], ...extra]);
    expect(multi([], 'a2fb4a1d1a96d312')).toEqual({ trace_id: 'a2fb4a1d1a96d312', span_id: SPAN, format: 'b3' }); // 64-bit
    expect(multi([], TRACE.toUpperCase())).toBeNull(); // lower-hex only
    expect(multi([['X-B3-ParentSpanId', '-']])).toBeNull(); // nonsense is malformed
    expect(multi([['X-B3-Sampled', '0']])?.sampled).toBe(false);
    expect(multi([['X-B3-Sampled', 'true']])?.sampled).toBe(true); // lenient readers may accept true/false
    expect(multi([['X-B3-Sampled', '']])?.sampled).toBeUndefined(); // empty = malformed state, ids still good
    expect(multi([['X-B3-Flags', '1'], ['X-B3-Sampled', '0']])?.sampled).toBe(true); // debug implies accept
    expect(multi([['x-b3-traceid', 'ffffffffffffffffffffffffffffffff']])?.trace_id).toBe(TRACE); // first value wins
    expect(extractTraceContext([['X-B3-Sampled', '1']])).toBeNull();
    // "The single-header variant takes precedence over the multiple header one."
    expect(multi([['b3', `a2fb4a1d1a96d312a2fb4a1d1a96d312-${SPAN}`]])?.format).toBe('b3-single');
    expect(extractTraceContext([['b3', `${TRACE}-${SPAN}-x`]])).toBeNull();
    expect(extractTraceContext([['b3', `${TRACE}-${SPAN}-1-05e3ac9a4f6e3b90-9`]])).toBeNull();
    expect(extractTraceContext([['b3', `${TRACE}`]])).toBeNull();
  });
});
