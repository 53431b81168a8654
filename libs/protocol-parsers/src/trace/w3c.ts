import { isAllZero, isLowerHex, trimOws } from './hex.js';

/** `00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>`: the version-00 length. */
const V00_LENGTH = 55;
/** W3C trace-context §3.3.1.5: at most 32 list members. */
const MAX_TRACESTATE_MEMBERS = 32;
/** Longest key and value the tracestate grammar allows. */
const MAX_KEY = 256;
const MAX_VALUE = 256;

export interface Traceparent {
  trace_id: string;
  span_id: string;
  sampled: boolean;
}

/**
 * Reads a `traceparent` value per W3C Trace Context §3.2 and §4.3 (versioning): version 00 must be
 * exactly 55 characters; a higher version may be longer only if the extra part starts with `-`;
 * version ff is invalid; lower-case hex only; all-zero trace-id or parent-id are invalid.
 */
export function parseTraceparent(raw: string): Traceparent | null {
  const v = trimOws(raw);
  if (v.length < V00_LENGTH || !isLowerHex(v, 0, 2)) return null;
  const version = v.slice(0, 2);
  if (version === 'ff') return null;
  if (version === '00' ? v.length !== V00_LENGTH : v.length > V00_LENGTH && v.charCodeAt(V00_LENGTH) !== 0x2d) return null;
  if (v.charCodeAt(2) !== 0x2d || v.charCodeAt(35) !== 0x2d || v.charCodeAt(52) !== 0x2d) return null;
  if (!isLowerHex(v, 3, 35) || !isLowerHex(v, 36, 52) || !isLowerHex(v, 53, 55)) return null;
  if (isAllZero(v, 3, 35) || isAllZero(v, 36, 52)) return null;
  const flags = parseInt(v.slice(53, 55), 16);
  return { trace_id: v.slice(3, 35), span_id: v.slice(36, 52), sampled: (flags & 1) === 1 };
}

/**
 * Combines every `tracestate` header (in order, as one comma-separated list) per W3C §3.3: members
 * are trimmed of optional whitespace, empty members skipped, a duplicated key keeps its first
 * value. Any malformed member or more than 32 members discards the whole list (undefined).
 */
export function parseTracestate(values: readonly string[]): string | undefined {
  const members: string[] = [];
  const keys = new Set<string>();
  for (const value of values) {
    let start = 0;
    while (start <= value.length) {
      let end = value.indexOf(',', start);
      if (end < 0) end = value.length;
      const member = trimOws(value.slice(start, end));
      start = end + 1;
      if (member.length === 0) continue;
      const eq = member.indexOf('=');
      if (eq < 0 || !validKey(member, eq) || !validValue(member, eq + 1)) return undefined;
      const key = member.slice(0, eq);
      if (keys.has(key)) continue;
      keys.add(key);
      members.push(member);
      if (members.length > MAX_TRACESTATE_MEMBERS) return undefined;
    }
  }
  return members.length === 0 ? undefined : members.join(',');
}

/** Key: a lower-case letter or digit, then up to 255 of `a-z 0-9 _ - * / @` — the suite's reference grammar (test.py accepts `foo@@bar`). */
function validKey(m: string, end: number): boolean {
  if (end === 0 || end > MAX_KEY) return false;
  const first = m.charCodeAt(0);
  if (!isLcAlnum(first)) return false;
  for (let i = 1; i < end; i++) {
    const c = m.charCodeAt(i);
    if (!(isLcAlnum(c) || c === 0x5f || c === 0x2d || c === 0x2a || c === 0x2f || c === 0x40)) return false;
  }
  return true;
}

/** Printable ASCII except `,` and `=`, at most 256 characters, not ending in a space. */
function validValue(m: string, start: number): boolean {
  const n = m.length - start;
  if (n === 0 || n > MAX_VALUE) return false;
  for (let i = start; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x2c || c === 0x3d) return false;
  }
  return m.charCodeAt(m.length - 1) !== 0x20;
}

function isLcAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a);
}
