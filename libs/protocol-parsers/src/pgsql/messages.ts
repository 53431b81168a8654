import { utf8Decoder } from './parse.js';

/**
 * Readers for the few message bodies Kinsight keeps. A body may be cut at the decoder's cap, so a
 * string without its NUL runs to the end of what was kept and is marked truncated.
 */

export interface CString {
  value: string;
  next: number;
  truncated: boolean;
}

export function cstring(b: Uint8Array, o: number): CString {
  const end = b.indexOf(0, o);
  const stop = end < 0 ? b.length : end;
  return { value: utf8Decoder.decode(b.subarray(Math.min(o, stop), stop)), next: stop + 1, truncated: end < 0 };
}

/** Query: the SQL text. */
export function readQuery(body: Uint8Array): CString {
  return cstring(body, 0);
}

/** Parse: statement name, then SQL text (parameter types are not read). */
export function readParse(body: Uint8Array): { statement: string; sql: CString } {
  const name = cstring(body, 0);
  return { statement: name.value, sql: cstring(body, name.next) };
}

/** Bind: portal name, statement name (parameter values are user data and never read). */
export function readBind(body: Uint8Array): { portal: string; statement: string } {
  const portal = cstring(body, 0);
  return { portal: portal.value, statement: cstring(body, portal.next).value };
}

/** Execute: portal name. */
export function readExecute(body: Uint8Array): { portal: string } {
  return { portal: cstring(body, 0).value };
}

/** Describe / Close: 'S' (statement) or 'P' (portal) and its name. */
export function readTarget(body: Uint8Array): { kind: 'S' | 'P'; name: string } {
  return { kind: body[0] === 0x50 ? 'P' : 'S', name: cstring(body, 1).value };
}

export interface ErrorFields {
  /** Non-localised severity ('V', PostgreSQL ≥ 9.6), else the localised one ('S'). */
  severity: string | null;
  sqlstate: string | null;
  message: string | null;
}

/** ErrorResponse / NoticeResponse: (field type byte, string)* terminated by a zero byte. */
export function readErrorFields(body: Uint8Array): ErrorFields {
  const out: ErrorFields = { severity: null, sqlstate: null, message: null };
  let o = 0;
  while (o < body.length && body[o] !== 0) {
    const field = body[o] ?? 0;
    const s = cstring(body, o + 1);
    if (field === 0x56 || (field === 0x53 && out.severity === null)) out.severity = s.value;
    else if (field === 0x43) out.sqlstate = s.value;
    else if (field === 0x4d) out.message = s.value;
    o = s.next;
  }
  return out;
}
