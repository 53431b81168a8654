import {
  COLON, COMMA, CR, FIELD_CHAR, HTAB, LF, SP, TARGET_CHAR, TCHAR,
  equalsLower, isDigit, latin1, trimOws,
} from '../core/bytes.js';
import { MAX_TRACE_HEADER_NAME_LENGTH, TRACE_HEADER_NAMES } from '../trace/index.js';
import { HTTP1_METHODS, MAX_METHOD_LENGTH, isMethodChar } from './methods.js';
import type { Http1ErrorCode, Http1Limits, Http1MessageKind, Http1Version } from './types.js';

/**
 * Head fields gathered line by line. It lives across `need-more` calls so a
 * head arriving in many pieces is validated once per line, not once per piece.
 */
export class HeadAccumulator {
  /** Offset (from the message start) of the first line not yet validated. */
  pos = 0;
  lines = 0;
  method = '';
  target = '';
  version: Http1Version = '1.1';
  status = 0;
  reason = '';
  host: string | null = null;
  contentLength: number | null = null;
  transferEncoding = false;
  chunked = false;
  chunkedNotLast = false;
  connectionClose = false;
  connectionKeepAlive = false;
  connectionUpgrade = false;
  upgrade: string | null = null;
  expectContinue = false;
  headerCount = 0;
  /** Trace-context headers only (lower-case name, value); every other header value is never copied. */
  trace: Array<[string, string]> = [];

  reset(): void {
    Object.assign(this, new HeadAccumulator());
  }
}

export type HeadStep =
  | { readonly status: 'need-more' }
  | { readonly status: 'complete'; readonly end: number }
  | { readonly status: 'invalid'; readonly code: Http1ErrorCode; readonly at: number };

const NEED_MORE_STEP: HeadStep = { status: 'need-more' };
/** A line validator's verdict: null when fine so far, else the rule broken. */
type LineVerdict = Http1ErrorCode | null;
/** Returned by scanners that ran out of bytes before deciding. */
const INCOMPLETE = 'incomplete';

/**
 * Validates the lines of a head (or of a trailer section when `kind` is null)
 * from `acc.pos`, where `input[0]` is the first byte of the message.
 */
export function stepHead(input: Uint8Array, acc: HeadAccumulator, kind: Http1MessageKind | null, limits: Http1Limits): HeadStep {
  for (;;) {
    const lineStart = acc.pos;
    const lf = input.indexOf(LF, lineStart);
    if (lf < 0 || lf + 1 > limits.maxHeadBytes) {
      // Judge only the bytes inside the cap, so the verdict does not depend on
      // how the stream was cut into pieces.
      let end = Math.min(lf < 0 ? input.length : lf, limits.maxHeadBytes);
      if (end > lineStart && input[end - 1] === CR) end--;
      const verdict = checkLine(input, lineStart, end, acc, kind, true, limits);
      if (verdict !== null) return { status: 'invalid', code: verdict, at: end };
      if (lf >= 0 || input.length > limits.maxHeadBytes) return { status: 'invalid', code: 'head-too-large', at: limits.maxHeadBytes };
      return NEED_MORE_STEP;
    }
    const crlf = lf > lineStart && input[lf - 1] === CR;
    if (!crlf && limits.acceptBareLf !== true) {
      // Validate what precedes the LF first so a bad byte gets its own code.
      const verdict = checkLine(input, lineStart, lf, acc, kind, true, limits);
      return { status: 'invalid', code: verdict ?? 'bare-lf', at: lf };
    }
    const contentEnd = crlf ? lf - 1 : lf;
    if (contentEnd === lineStart) {
      if (acc.lines === 0 && kind !== null) return { status: 'invalid', code: kind === 'request' ? 'invalid-method' : 'invalid-version', at: lf };
      return { status: 'complete', end: lf + 1 };
    }
    const verdict = checkLine(input, lineStart, contentEnd, acc, kind, false, limits);
    if (verdict !== null) return { status: 'invalid', code: verdict, at: contentEnd };
    acc.lines++;
    acc.pos = lf + 1;
  }
}

function checkLine(
  b: Uint8Array, s: number, e: number, acc: HeadAccumulator, kind: Http1MessageKind | null, partial: boolean, limits: Http1Limits,
): LineVerdict {
  if (acc.lines === 0 && kind === 'request') return requestLine(b, s, e, acc, partial);
  if (acc.lines === 0 && kind === 'response') return statusLine(b, s, e, acc, partial);
  return headerLine(b, s, e, acc, partial, kind !== null, limits);
}

function badChar(c: number | undefined, code: Http1ErrorCode): Http1ErrorCode {
  return c === CR ? 'bare-cr' : code;
}

function requestLine(b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean): LineVerdict {
  let i = s;
  while (i < e && isMethodChar(b[i])) i++;
  if (i - s > MAX_METHOD_LENGTH) return 'invalid-method';
  if (i === e) return partial ? null : 'invalid-method';
  if (b[i] !== SP || i === s) return badChar(b[i], 'invalid-method');
  const method = latin1(b, s, i);
  if (!HTTP1_METHODS.has(method)) return 'invalid-method';
  if (method === 'PRI') return 'http2-preface';
  const targetStart = ++i;
  while (i < e && TARGET_CHAR[b[i] ?? 0] === 1) i++;
  if (i === e) {
    if (partial) return null;
    // `GET /` alone is an HTTP/0.9 request line.
    return i === targetStart ? 'invalid-target' : 'unsupported-version';
  }
  if (b[i] !== SP || i === targetStart) return badChar(b[i], 'invalid-target');
  const version = scanVersion(b, i + 1, e);
  if (version === INCOMPLETE) return partial ? null : 'invalid-version';
  if (typeof version !== 'number') return version;
  if (version !== e) return badChar(b[version], 'invalid-version');
  if (!partial) {
    acc.method = method;
    acc.target = latin1(b, targetStart, i);
    acc.version = versionAt(b, i + 1);
  }
  return checkSupported(b, i + 1);
}

function statusLine(b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean): LineVerdict {
  const afterVersion = scanVersion(b, s, e);
  if (afterVersion === INCOMPLETE) return partial ? null : 'invalid-version';
  if (typeof afterVersion !== 'number') return afterVersion;
  const unsupported = checkSupported(b, s);
  if (unsupported !== null) return unsupported;
  let i = afterVersion;
  if (i === e) return partial ? null : 'invalid-version';
  if (b[i] !== SP) return badChar(b[i], 'invalid-version');
  i++;
  let status = 0;
  for (let k = 0; k < 3; k++, i++) {
    if (i === e) return partial ? null : 'invalid-status';
    const c = b[i];
    if (!isDigit(c)) return badChar(c, 'invalid-status');
    status = status * 10 + (c - 0x30);
  }
  if (status < 100) return 'invalid-status';
  let reasonStart = i;
  if (i < e) {
    if (b[i] !== SP) return badChar(b[i], 'invalid-status');
    reasonStart = ++i;
    for (; i < e; i++) if (FIELD_CHAR[b[i] ?? 0] !== 1) return badChar(b[i], 'invalid-status');
  }
  if (!partial) {
    acc.version = versionAt(b, s);
    acc.status = status;
    acc.reason = latin1(b, reasonStart, e);
  }
  return null;
}

const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f];

/** Scans `HTTP/d.d` at `i`; returns the index after it, an error, or INCOMPLETE. */
function scanVersion(b: Uint8Array, i: number, e: number): number | Http1ErrorCode | typeof INCOMPLETE {
  for (let k = 0; k < HTTP_SLASH.length; k++) {
    if (i + k >= e) return INCOMPLETE;
    if (b[i + k] !== HTTP_SLASH[k]) {
      const other = otherProtocol(b, i, e);
      if (other === 'prefix') return INCOMPLETE;
      return other === 'yes' ? 'unsupported-protocol' : badChar(b[i + k], 'invalid-version');
    }
  }
  const v = i + HTTP_SLASH.length;
  if (v + 3 > e) {
    for (let k = v; k < e; k++) if (!(k === v + 1 ? b[k] === 0x2e : isDigit(b[k]))) return badChar(b[k], 'invalid-version');
    return INCOMPLETE;
  }
  if (!isDigit(b[v]) || b[v + 1] !== 0x2e || !isDigit(b[v + 2])) return 'invalid-version';
  return v + 3;
}

const OTHER_PROTOCOLS = ['RTSP/', 'ICE/'];

/** RTSP and ICE share HTTP's start-line syntax; name them rather than call them garbage. */
function otherProtocol(b: Uint8Array, i: number, e: number): 'yes' | 'prefix' | 'no' {
  for (const name of OTHER_PROTOCOLS) {
    let k = 0;
    while (k < name.length && i + k < e && b[i + k] === name.charCodeAt(k)) k++;
    if (k === name.length) return 'yes';
    if (i + k === e) return 'prefix';
  }
  return 'no';
}

function checkSupported(b: Uint8Array, versionStart: number): LineVerdict {
  const major = b[versionStart + 5];
  const minor = b[versionStart + 7];
  return major === 0x31 && (minor === 0x30 || minor === 0x31) ? null : 'unsupported-version';
}

function versionAt(b: Uint8Array, versionStart: number): Http1Version {
  return b[versionStart + 7] === 0x30 ? '1.0' : '1.1';
}

function headerLine(
  b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean, interpret: boolean, limits: Http1Limits,
): LineVerdict {
  const first = b[s];
  if (first === SP || first === HTAB) return 'obs-fold';
  let i = s;
  while (i < e && TCHAR[b[i] ?? 0] === 1) i++;
  if (i === e) return partial ? null : 'invalid-header-name';
  if (b[i] !== COLON || i === s) return badChar(b[i], 'invalid-header-name');
  const nameEnd = i;
  for (i++; i < e; i++) if (FIELD_CHAR[b[i] ?? 0] !== 1) return badChar(b[i], 'invalid-header-value');
  if (partial) return null;
  if (++acc.headerCount > limits.maxHeaderCount) return 'too-many-headers';
  if (!interpret) return null;
  const [vs, ve] = trimOws(b, nameEnd + 1, e);
  return interpretField(b, s, nameEnd, vs, ve, acc);
}

/** Header-name lengths that can be a trace header, so other names cost one table lookup. */
const TRACE_NAME_LENGTH = (() => {
  const t = new Uint8Array(MAX_TRACE_HEADER_NAME_LENGTH + 1);
  for (const name of TRACE_HEADER_NAMES) t[name.length] = 1;
  return t;
})();
/** More trace headers than this in one head is abuse, not propagation. */
const MAX_TRACE_HEADERS = 40;

function collectTrace(b: Uint8Array, ns: number, ne: number, vs: number, ve: number, acc: HeadAccumulator): void {
  if (acc.trace.length >= MAX_TRACE_HEADERS) return;
  for (const name of TRACE_HEADER_NAMES) {
    if (equalsLower(b, ns, ne, name)) {
      acc.trace.push([name, latin1(b, vs, ve)]);
      return;
    }
  }
}

function interpretField(b: Uint8Array, ns: number, ne: number, vs: number, ve: number, acc: HeadAccumulator): LineVerdict {
  if (ne - ns <= MAX_TRACE_HEADER_NAME_LENGTH && TRACE_NAME_LENGTH[ne - ns] === 1) collectTrace(b, ns, ne, vs, ve, acc);
  switch (ne - ns) {
    case 4:
      if (acc.host === null && equalsLower(b, ns, ne, 'host')) acc.host = latin1(b, vs, ve);
      return null;
    case 6:
      if (equalsLower(b, ns, ne, 'expect')) acc.expectContinue = equalsLower(b, vs, ve, '100-continue');
      return null;
    case 7:
      if (equalsLower(b, ns, ne, 'upgrade')) acc.upgrade = latin1(b, vs, ve);
      return null;
    case 10:
    case 16:
      if (equalsLower(b, ns, ne, 'connection') || equalsLower(b, ns, ne, 'proxy-connection')) connectionTokens(b, vs, ve, acc);
      return null;
    case 14:
      return equalsLower(b, ns, ne, 'content-length') ? contentLength(b, vs, ve, acc) : null;
    case 17:
      return equalsLower(b, ns, ne, 'transfer-encoding') ? transferCodings(b, vs, ve, acc) : null;
    default:
      return null;
  }
}

function contentLength(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): LineVerdict {
  if (acc.contentLength !== null) return 'duplicate-content-length';
  if (acc.transferEncoding) return 'content-length-with-transfer-encoding';
  if (vs === ve) return 'invalid-content-length';
  let n = 0;
  for (let i = vs; i < ve; i++) {
    const c = b[i];
    if (!isDigit(c)) return 'invalid-content-length';
    n = n * 10 + (c - 0x30);
    if (n > Number.MAX_SAFE_INTEGER) return 'invalid-content-length';
  }
  acc.contentLength = n;
  return null;
}

/** Calls `each(start, end)` for every non-empty element of a comma-separated list. */
function forEachToken(b: Uint8Array, vs: number, ve: number, each: (s: number, e: number) => void): void {
  let p = vs;
  while (p <= ve) {
    let q = p;
    while (q < ve && b[q] !== COMMA) q++;
    const [s, e] = trimOws(b, p, q);
    if (s < e) each(s, e);
    p = q + 1;
  }
}

function transferCodings(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): LineVerdict {
  if (acc.contentLength !== null) return 'content-length-with-transfer-encoding';
  acc.transferEncoding = true;
  forEachToken(b, vs, ve, (s, e) => {
    // RFC 9112 §6.1: chunked must be the final coding; anything after it breaks framing.
    if (acc.chunked) acc.chunkedNotLast = true;
    acc.chunked = equalsLower(b, s, e, 'chunked');
  });
  return null;
}

function connectionTokens(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): void {
  forEachToken(b, vs, ve, (s, e) => {
    if (equalsLower(b, s, e, 'close')) acc.connectionClose = true;
    else if (equalsLower(b, s, e, 'keep-alive')) acc.connectionKeepAlive = true;
    else if (equalsLower(b, s, e, 'upgrade')) acc.connectionUpgrade = true;
  });
}
