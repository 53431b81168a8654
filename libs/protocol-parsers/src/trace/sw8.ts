import { trimOws } from './hex.js';

export interface Sw8Ids {
  trace_id: string;
  /** `<parent segment id>-<parent span id>`: a SkyWalking span is only unique within its segment. */
  span_id: string;
  sampled: boolean;
}

/** Longest decoded id we keep; SkyWalking ids are ~60 characters. */
const MAX_ID_LENGTH = 256;

/**
 * SkyWalking cross-process propagation v3 (`sw8`): eight `-`-separated fields —
 * sample, trace id, parent segment id, parent span id, parent service, parent instance, parent
 * endpoint, target address — where every string field is base64. Only the ids are decoded; the
 * service names are validated, not kept.
 */
export function parseSw8(raw: string): Sw8Ids | null {
  const fields = trimOws(raw).split('-', 9);
  if (fields.length !== 8) return null;
  const [sample = '', traceB64 = '', segmentB64 = '', spanId = '', ...names] = fields;
  if (sample !== '0' && sample !== '1') return null;
  if (spanId.length === 0 || spanId.length > 10 || !/^\d+$/.test(spanId)) return null;
  if (!names.every((n) => n.length > 0 && decodeBase64(n, 4 * MAX_ID_LENGTH) !== null)) return null;
  const traceId = decodeBase64(traceB64, MAX_ID_LENGTH);
  const segmentId = decodeBase64(segmentB64, MAX_ID_LENGTH);
  if (traceId === null || segmentId === null || traceId.length === 0 || segmentId.length === 0) return null;
  return { trace_id: traceId, span_id: `${segmentId}-${spanId}`, sampled: sample === '1' };
}

const B64 = (() => {
  const t = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/** Strict standard base64 (padding optional) to printable ASCII/UTF-8 text; null when malformed. */
function decodeBase64(s: string, maxOut: number): string | null {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d && s.length - end < 2) end--;
  if (end % 4 === 1 || (end < s.length && s.length % 4 !== 0) || (end * 3) / 4 > maxOut) return null;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const v = B64[s.charCodeAt(i) & 0xff] ?? -1;
    if (v < 0 || s.charCodeAt(i) > 0xff) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      // Ids and names are text; control characters mean this is not a sw8 value.
      if (byte < 0x20 || byte === 0x7f) return null;
      bytes.push(byte);
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}
