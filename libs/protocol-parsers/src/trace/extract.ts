import { type B3Headers, parseB3Multi, parseB3Single } from './b3.js';
import { parseUberTraceId } from './jaeger.js';
import { parseSw8 } from './sw8.js';
import type { TraceContext, TraceHeader } from './types.js';
import { parseTraceparent, parseTracestate } from './w3c.js';

/**
 * Header names (lower case) that carry trace context. Parsers collect only these while reading a
 * head, so extraction costs nothing for the headers that do not matter.
 */
export const TRACE_HEADER_NAMES: ReadonlySet<string> = new Set([
  'traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled',
  'x-b3-flags', 'uber-trace-id', 'sw8',
]);

/** Longest trace header name, so callers can reject other names by length before comparing. */
export const MAX_TRACE_HEADER_NAME_LENGTH = 17;

/** Cap on tracestate headers considered: the W3C list holds at most 32 members anyway. */
const MAX_TRACESTATE_HEADERS = 32;

/**
 * The trace context carried by a request's headers, or null. Header names match case-insensitively.
 *
 * Precedence when several formats are present: W3C `traceparent` first (the standard every other
 * format is converging on), then single-header `b3` (the B3 spec says it wins over the multi-header
 * form), then `X-B3-*`, then Jaeger `uber-trace-id`, then SkyWalking `sw8`. A format whose value is
 * invalid is skipped and the next one tried. Per the W3C suite, two `traceparent` headers make the
 * W3C context invalid, and `tracestate` is only read along with a valid `traceparent`.
 */
export function extractTraceContext(headers: Iterable<TraceHeader>): TraceContext | null {
  const traceparents: string[] = [];
  const tracestates: string[] = [];
  const b3: B3Headers = {};
  let b3Single: string | undefined;
  let uber: string | undefined;
  let sw8: string | undefined;
  for (const [rawName, value] of headers) {
    if (rawName.length > MAX_TRACE_HEADER_NAME_LENGTH || rawName.length < 2) continue;
    const name = rawName.toLowerCase();
    switch (name) {
      case 'traceparent':
        traceparents.push(value);
        break;
      case 'tracestate':
        if (tracestates.length < MAX_TRACESTATE_HEADERS + 1) tracestates.push(value);
        break;
      case 'b3':
        b3Single ??= value;
        break;
      case 'x-b3-traceid':
        b3.traceId ??= value;
        break;
      case 'x-b3-spanid':
        b3.spanId ??= value;
        break;
      case 'x-b3-parentspanid':
        b3.parentSpanId ??= value;
        break;
      case 'x-b3-sampled':
        b3.sampled ??= value;
        break;
      case 'x-b3-flags':
        b3.flags ??= value;
        break;
      case 'uber-trace-id':
        uber ??= value;
        break;
      case 'sw8':
        sw8 ??= value;
        break;
      default:
        break;
    }
  }
  if (traceparents.length === 1) {
    const parent = parseTraceparent(traceparents[0] ?? '');
    if (parent !== null) {
      // More tracestate headers than the list has members can only be invalid.
      const state = tracestates.length > MAX_TRACESTATE_HEADERS ? undefined : parseTracestate(tracestates);
      const ctx: TraceContext = { trace_id: parent.trace_id, span_id: parent.span_id, format: 'w3c', sampled: parent.sampled };
      if (state !== undefined) ctx.tracestate = state;
      return ctx;
    }
  }
  const single = b3Single === undefined ? null : parseB3Single(b3Single);
  if (single !== null) return { ...single, format: 'b3-single' };
  const multi = parseB3Multi(b3);
  if (multi !== null) return { ...multi, format: 'b3' };
  const jaeger = uber === undefined ? null : parseUberTraceId(uber);
  if (jaeger !== null) return { ...jaeger, format: 'jaeger' };
  const sky = sw8 === undefined ? null : parseSw8(sw8);
  if (sky !== null) return { ...sky, format: 'sw8' };
  return null;
}
