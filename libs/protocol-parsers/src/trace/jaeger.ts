import { isAllZero, trimOws } from './hex.js';

export interface JaegerIds {
  trace_id: string;
  span_id: string;
  sampled: boolean;
}

/**
 * `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` (Jaeger client propagation). Ids
 * are hex without leading zeros, so they are padded to 16 (or 32 for 128-bit trace ids) and
 * lower-cased; flags are decimal, bit 0 = sampled. HTTP clients may send the value url-encoded
 * (`%3A` for `:`), which is decoded first.
 */
export function parseUberTraceId(raw: string): JaegerIds | null {
  let v = trimOws(raw);
  if (v.includes('%')) v = v.replace(/%3a/gi, ':');
  const parts = v.split(':', 5);
  if (parts.length !== 4) return null;
  const [trace = '', span = '', parent = '', flags = ''] = parts;
  if (!isHex(trace, 32) || !isHex(span, 16) || !isHex(parent, 16) || !isDecimal(flags, 3)) return null;
  if (isAllZero(trace) || isAllZero(span)) return null;
  const flagBits = Number(flags);
  if (flagBits > 255) return null;
  return {
    trace_id: trace.toLowerCase().padStart(trace.length > 16 ? 32 : 16, '0'),
    span_id: span.toLowerCase().padStart(16, '0'),
    sampled: (flagBits & 1) === 1,
  };
}

function isHex(s: string, max: number): boolean {
  if (s.length === 0 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function isDecimal(s: string, max: number): boolean {
  if (s.length === 0 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
