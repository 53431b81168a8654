import {
  COLON, COMMA, CR, FIELD_CHAR, HTAB, LF, SP, TCHAR, RepeatedText, equalsLower, isDigit, latin1, trimOws,
} from '../core/bytes.js';
import { MAX_TRACE_HEADER_NAME_LENGTH, TRACE_HEADER_NAMES } from '../trace/index.js';
import { type LineVerdict, badChar, lenientRequestLine, requestLine, statusLine } from './start-line.js';
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
  declaredVersion: Http1Version | null = '1.1';
  status = 0;
  reason = '';
  host: string | null = null;
  contentLength: number | null = null;
  transferEncoding = false;
  chunked = false;
  chunkedNotLast = false;
  /** `chunked` appeared among the codings, last or not (the lenient request framing). */
  sawChunked = false;
  /** The field an obs-fold line continues, when it matters for framing (lenient mode). */
  foldTarget: 'transfer-encoding' | 'connection' | null = null;
  /** Rules broken and let pass in lenient mode, each once. */
  tolerated: Http1ErrorCode[] = [];
  connectionClose = false;
  connectionKeepAlive = false;
  connectionUpgrade = false;
  upgrade: string | null = null;
  expectContinue = false;
  headerCount = 0;
  /** Trace-context headers only (lower-case name, value); every other header value is never copied. */
  trace: Array<[string, string]> = [];
  /**
   * The last target, host and reason phrase read, kept across messages (not reset): a keep-alive
   * connection repeats them, and comparing bytes with the last string is cheaper than building a new one.
   */
  readonly seen = { target: new RepeatedText(), host: new RepeatedText(), reason: new RepeatedText() };

  /**
   * Back to the initial values above, field by field: this runs once per message, and building a fresh
   * accumulator to copy from cost more than the rest of a small head's parse. head.test.ts checks that a
   * reset accumulator equals a new one, so a field added above without a line here fails there.
   */
  reset(): void {
    this.pos = 0;
    this.lines = 0;
    this.method = '';
    this.target = '';
    this.version = '1.1';
    this.declaredVersion = '1.1';
    this.status = 0;
    this.reason = '';
    this.host = null;
    this.contentLength = null;
    this.transferEncoding = false;
    this.chunked = false;
    this.chunkedNotLast = false;
    this.sawChunked = false;
    this.foldTarget = null;
    // Emptied in place: parse.ts copies `tolerated` into the head and extractTraceContext only reads `trace`.
    if (this.tolerated.length > 0) this.tolerated.length = 0;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.connectionUpgrade = false;
    this.upgrade = null;
    this.expectContinue = false;
    this.headerCount = 0;
    if (this.trace.length > 0) this.trace.length = 0;
  }

  tolerate(code: Http1ErrorCode): void {
    if (!this.tolerated.includes(code)) this.tolerated.push(code);
  }
}

export type HeadStep =
  | { readonly status: 'need-more' }
  | { readonly status: 'complete'; readonly end: number }
  | { readonly status: 'invalid'; readonly code: Http1ErrorCode; readonly at: number };

const NEED_MORE_STEP: HeadStep = { status: 'need-more' };

/**
 * Validates the lines of a head (or of a trailer section when `kind` is null)
 * from `acc.pos`, where `input[0]` is the first byte of the message.
 */
export function stepHead(input: Uint8Array, acc: HeadAccumulator, kind: Http1MessageKind | null, limits: Http1Limits): HeadStep {
  for (;;) {
    const lineStart = acc.pos;
    // One pass finds the line's end and how far it holds only field characters (LF and CR are none): a
    // line that is all field characters needs no second look at its value's bytes in headerLine.
    let fieldEnd = lineStart;
    while (fieldEnd < input.length && FIELD_CHAR[input[fieldEnd] ?? 0] === 1) fieldEnd++;
    const lf = indexOfLf(input, fieldEnd);
    if (lf < 0 || lf + 1 > limits.maxHeadBytes) {
      // Judge only the bytes inside the cap, so the verdict does not depend on
      // how the stream was cut into pieces.
      let end = Math.min(lf < 0 ? input.length : lf, limits.maxHeadBytes);
      if (end > lineStart && input[end - 1] === CR) end--;
      const verdict = checkLine(input, lineStart, end, acc, kind, true, false, limits);
      if (verdict !== null) return { status: 'invalid', code: verdict, at: end };
      if (lf >= 0 || input.length > limits.maxHeadBytes) return { status: 'invalid', code: 'head-too-large', at: limits.maxHeadBytes };
      return NEED_MORE_STEP;
    }
    const crlf = lf > lineStart && input[lf - 1] === CR;
    if (!crlf && limits.acceptBareLf !== true) {
      // Validate what precedes the LF first so a bad byte gets its own code.
      const verdict = checkLine(input, lineStart, lf, acc, kind, true, false, limits);
      return { status: 'invalid', code: verdict ?? 'bare-lf', at: lf };
    }
    const contentEnd = crlf ? lf - 1 : lf;
    if (contentEnd === lineStart) {
      if (acc.lines === 0 && kind !== null) return { status: 'invalid', code: kind === 'request' ? 'invalid-method' : 'invalid-version', at: lf };
      return { status: 'complete', end: lf + 1 };
    }
    const verdict = checkLine(input, lineStart, contentEnd, acc, kind, false, fieldEnd === contentEnd, limits);
    if (verdict !== null) return { status: 'invalid', code: verdict, at: contentEnd };
    acc.lines++;
    acc.pos = lf + 1;
  }
}

/**
 * input.indexOf(LF, from), as a loop: head lines are short, and for them the builtin's call costs more
 * than the scan (measured: ~35 vs ~23 ns a line).
 */
function indexOfLf(input: Uint8Array, from: number): number {
  for (let i = from; i < input.length; i++) if (input[i] === LF) return i;
  return -1;
}

/** `clean`: every byte of b[s, e) is a field character (FIELD_CHAR). */
function checkLine(
  b: Uint8Array, s: number, e: number, acc: HeadAccumulator, kind: Http1MessageKind | null, partial: boolean, clean: boolean,
  limits: Http1Limits,
): LineVerdict {
  const lenient = limits.lenient === true;
  if (acc.lines === 0 && kind === 'request') return lenient ? lenientRequestLine(b, s, e, acc, partial) : requestLine(b, s, e, acc, partial);
  if (acc.lines === 0 && kind === 'response') return statusLine(b, s, e, acc, partial, lenient);
  return headerLine(b, s, e, acc, partial, clean, kind !== null, limits);
}

function headerLine(
  b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean, clean: boolean, interpret: boolean, limits: Http1Limits,
): LineVerdict {
  const lenient = limits.lenient === true;
  const first = b[s];
  if (first === SP || first === HTAB) {
    if (!lenient) return 'obs-fold';
    if (!partial) foldLine(b, s, e, acc, interpret);
    return null;
  }
  let i = s;
  while (i < e && TCHAR[b[i] ?? 0] === 1) i++;
  if (i === e) return partial ? null : lenient ? skipLine(acc, 'invalid-header-name') : 'invalid-header-name';
  if (b[i] !== COLON || i === s) {
    if (!lenient) return badChar(b[i], 'invalid-header-name');
    return partial ? null : skipLine(acc, badChar(b[i], 'invalid-header-name'));
  }
  const nameEnd = i;
  // A clean line's value has nothing this loop could find.
  if (!clean) {
    for (i++; i < e; i++) {
      if (FIELD_CHAR[b[i] ?? 0] === 1) continue;
      if (!lenient) return badChar(b[i], 'invalid-header-value');
      if (!partial) acc.tolerate(badChar(b[i], 'invalid-header-value'));
    }
  }
  if (partial) return null;
  if (++acc.headerCount > limits.maxHeaderCount) return 'too-many-headers';
  if (!interpret) return null;
  // trimOws inlined: this runs for every header line, and its [start, end] pair is an allocation.
  let vs = nameEnd + 1;
  let ve = e;
  while (vs < ve && (b[vs] === SP || b[vs] === HTAB)) vs++;
  while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HTAB)) ve--;
  acc.foldTarget = null;
  return interpretField(b, s, nameEnd, vs, ve, acc, lenient);
}

/** Lenient: a line that is not a field is passed over (tshark and most servers do the same). */
function skipLine(acc: HeadAccumulator, code: Http1ErrorCode): null {
  acc.tolerate(code);
  acc.foldTarget = null;
  return null;
}

/** Lenient: obs-fold continues the previous field's value (RFC 9112 §5.2); only framing fields need it. */
function foldLine(b: Uint8Array, s: number, e: number, acc: HeadAccumulator, interpret: boolean): void {
  acc.tolerate('obs-fold');
  if (!interpret || acc.foldTarget === null) return;
  const [vs, ve] = trimOws(b, s, e);
  if (acc.foldTarget === 'transfer-encoding') addCodings(b, vs, ve, acc);
  else connectionTokens(b, vs, ve, acc);
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

function interpretField(b: Uint8Array, ns: number, ne: number, vs: number, ve: number, acc: HeadAccumulator, lenient: boolean): LineVerdict {
  if (ne - ns <= MAX_TRACE_HEADER_NAME_LENGTH && TRACE_NAME_LENGTH[ne - ns] === 1) collectTrace(b, ns, ne, vs, ve, acc);
  switch (ne - ns) {
    case 4:
      if (acc.host === null && equalsLower(b, ns, ne, 'host')) acc.host = acc.seen.host.read(b, vs, ve);
      return null;
    case 6:
      if (equalsLower(b, ns, ne, 'expect')) acc.expectContinue = equalsLower(b, vs, ve, '100-continue');
      return null;
    case 7:
      if (equalsLower(b, ns, ne, 'upgrade')) acc.upgrade = latin1(b, vs, ve);
      return null;
    case 10:
    case 16:
      if (equalsLower(b, ns, ne, 'connection') || equalsLower(b, ns, ne, 'proxy-connection')) {
        connectionTokens(b, vs, ve, acc);
        acc.foldTarget = 'connection';
      }
      return null;
    case 14:
      if (!equalsLower(b, ns, ne, 'content-length')) return null;
      return lenient ? lenientContentLength(b, vs, ve, acc) : contentLength(b, vs, ve, acc);
    case 17:
      if (!equalsLower(b, ns, ne, 'transfer-encoding')) return null;
      acc.foldTarget = 'transfer-encoding';
      if (acc.contentLength !== null) {
        if (!lenient) return 'content-length-with-transfer-encoding';
        acc.tolerate('content-length-with-transfer-encoding');
      }
      addCodings(b, vs, ve, acc);
      return null;
    default:
      return null;
  }
}

function contentLength(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): LineVerdict {
  if (acc.contentLength !== null) return 'duplicate-content-length';
  if (acc.transferEncoding) return 'content-length-with-transfer-encoding';
  const n = parseLength(b, vs, ve);
  if (n === null) return 'invalid-content-length';
  acc.contentLength = n;
  return null;
}

/**
 * RFC 9110 §8.6 lets a recipient take identical duplicates as one; differing ones take the last value,
 * as tshark does; an unreadable value is ignored. Transfer-Encoding, if present, overrides it (parse.ts).
 */
function lenientContentLength(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): null {
  const n = parseLength(b, vs, ve);
  if (n === null) {
    acc.tolerate('invalid-content-length');
    return null;
  }
  if (acc.transferEncoding) acc.tolerate('content-length-with-transfer-encoding');
  if (acc.contentLength !== null) acc.tolerate('duplicate-content-length');
  acc.contentLength = n;
  return null;
}

/** Decimal digits up to 2^53 − 1, else null. */
function parseLength(b: Uint8Array, vs: number, ve: number): number | null {
  if (vs === ve) return null;
  let n = 0;
  for (let i = vs; i < ve; i++) {
    const c = b[i];
    if (!isDigit(c)) return null;
    n = n * 10 + (c - 0x30);
    if (n > Number.MAX_SAFE_INTEGER) return null;
  }
  return n;
}

/**
 * Calls `each(b, start, end, acc)` for every non-empty element of a comma-separated list. `each` is a
 * module-level function, so a call allocates no closure (Connection is in most heads).
 */
function forEachToken(
  b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator, each: (b: Uint8Array, s: number, e: number, acc: HeadAccumulator) => void,
): void {
  let p = vs;
  while (p <= ve) {
    let q = p;
    while (q < ve && b[q] !== COMMA) q++;
    let s = p;
    let e = q;
    while (s < e && (b[s] === SP || b[s] === HTAB)) s++;
    while (e > s && (b[e - 1] === SP || b[e - 1] === HTAB)) e--;
    if (s < e) each(b, s, e, acc);
    p = q + 1;
  }
}

function addCodings(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): void {
  acc.transferEncoding = true;
  forEachToken(b, vs, ve, acc, coding);
}

function coding(b: Uint8Array, s: number, e: number, acc: HeadAccumulator): void {
  // RFC 9112 §6.1: chunked must be the final coding; anything after it breaks framing.
  if (acc.chunked) acc.chunkedNotLast = true;
  acc.chunked = equalsLower(b, s, e, 'chunked');
  if (acc.chunked) acc.sawChunked = true;
}

function connectionTokens(b: Uint8Array, vs: number, ve: number, acc: HeadAccumulator): void {
  forEachToken(b, vs, ve, acc, connectionToken);
}

function connectionToken(b: Uint8Array, s: number, e: number, acc: HeadAccumulator): void {
  if (equalsLower(b, s, e, 'close')) acc.connectionClose = true;
  else if (equalsLower(b, s, e, 'keep-alive')) acc.connectionKeepAlive = true;
  else if (equalsLower(b, s, e, 'upgrade')) acc.connectionUpgrade = true;
}
