import { isAllZero, isLowerHex, trimOws } from './hex.js';

/** The B3 ids as the spec encodes them: trace id 16 or 32 lower-hex, span ids 16 lower-hex. */
export interface B3Ids {
  trace_id: string;
  span_id: string;
  sampled?: boolean;
}

/** The `X-B3-*` headers of a request (first value of each wins, per the spec). */
export interface B3Headers {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  sampled?: string;
  flags?: string;
}

function validTraceId(v: string): boolean {
  return (v.length === 16 || v.length === 32) && isLowerHex(v) && !isAllZero(v);
}

function validSpanId(v: string): boolean {
  return v.length === 16 && isLowerHex(v) && !isAllZero(v);
}

/**
 * Multi-header B3. Only the sampling state (no ids) is not a trace context. `X-B3-Flags: 1` is
 * debug, which implies sampled; `true`/`false` are accepted as the spec allows lenient readers to.
 * A malformed ParentSpanId makes the whole context malformed.
 */
export function parseB3Multi(h: B3Headers): B3Ids | null {
  if (h.traceId === undefined || h.spanId === undefined) return null;
  const traceId = trimOws(h.traceId);
  const spanId = trimOws(h.spanId);
  if (!validTraceId(traceId) || !validSpanId(spanId)) return null;
  if (h.parentSpanId !== undefined && !validSpanId(trimOws(h.parentSpanId))) return null;
  const ids: B3Ids = { trace_id: traceId, span_id: spanId };
  const sampled = h.flags !== undefined && trimOws(h.flags) === '1' ? true : sampledState(h.sampled);
  if (sampled !== undefined) ids.sampled = sampled;
  return ids;
}

function sampledState(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const v = trimOws(raw);
  if (v === '1' || v === 'true' || v === 'd') return true;
  if (v === '0' || v === 'false') return false;
  return undefined;
}

/**
 * Single-header B3: `{TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]`. A value holding only a
 * sampling state (`b3: 0`) carries no ids and is not a trace context.
 */
export function parseB3Single(raw: string): B3Ids | null {
  const parts = trimOws(raw).split('-', 5);
  if (parts.length < 2 || parts.length > 4) return null;
  const [traceId = '', spanId = '', state, parent] = parts;
  if (!validTraceId(traceId) || !validSpanId(spanId)) return null;
  if (parent !== undefined && !validSpanId(parent)) return null;
  const ids: B3Ids = { trace_id: traceId, span_id: spanId };
  if (state !== undefined) {
    if (state !== '0' && state !== '1' && state !== 'd') return null;
    ids.sampled = state !== '0';
  }
  return ids;
}
