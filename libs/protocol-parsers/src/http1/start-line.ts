// Start lines (request line, status line) of an HTTP/1.x head, strict and lenient; head.ts reads the fields.
import { CR, FIELD_CHAR, SP, TARGET_CHAR, isDigit } from '../core/bytes.js';
import type { HeadAccumulator } from './head.js';
import { MAX_METHOD_LENGTH, MAX_OBSERVED_METHOD_LENGTH, isMethodChar, isObservedMethodChar, methodAt } from './methods.js';
import type { Http1ErrorCode, Http1Version } from './types.js';

/** A line validator's verdict: null when fine so far, else the rule broken. */
export type LineVerdict = Http1ErrorCode | null;
/** Returned by scanners that ran out of bytes before deciding. */
const INCOMPLETE = 'incomplete';

export function badChar(c: number | undefined, code: Http1ErrorCode): Http1ErrorCode {
  return c === CR ? 'bare-cr' : code;
}

export function requestLine(b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean): LineVerdict {
  let i = s;
  while (i < e && isMethodChar(b[i])) i++;
  if (i - s > MAX_METHOD_LENGTH) return 'invalid-method';
  if (i === e) return partial ? null : 'invalid-method';
  if (b[i] !== SP || i === s) return badChar(b[i], 'invalid-method');
  const method = methodAt(b, s, i, false);
  if (method === null) return 'invalid-method';
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
    acc.target = acc.seen.target.read(b, targetStart, i);
    acc.version = versionAt(b, i + 1);
    acc.declaredVersion = acc.version;
  }
  return checkSupported(b, i + 1);
}

/**
 * The observer's request line, read as tshark reads it: a known method, then (after one space) the
 * target up to the next space, then the version if there is a valid one. `GET /`, `OPTIONS`, `GET / HTTP/1.`
 * and `GET /a b HTTP/1.1` are requests the server answered; they get `declaredVersion: null`.
 */
export function lenientRequestLine(b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean): LineVerdict {
  let i = s;
  while (i < e && isObservedMethodChar(b[i])) i++;
  if (i - s > MAX_OBSERVED_METHOD_LENGTH) return 'invalid-method';
  if (i === e && partial) return null;
  if (i === s || (i < e && b[i] !== SP)) return badChar(b[i], 'invalid-method');
  const method = methodAt(b, s, i, true);
  if (method === null) return 'invalid-method';
  if (method === 'PRI') return 'http2-preface';
  const targetStart = Math.min(i + 1, e);
  for (i = targetStart; i < e && b[i] !== SP; i++) if (!isObservedTargetChar(b[i])) return badChar(b[i], 'invalid-target');
  const targetEnd = i;
  let declared: Http1Version | null = null;
  if (targetEnd < e) {
    const version = scanVersion(b, targetEnd + 1, e);
    if (version === 'unsupported-protocol') return version;
    if (partial) return null;
    if (version === e) {
      const unsupported = checkSupported(b, targetEnd + 1);
      if (unsupported !== null) return unsupported;
      declared = versionAt(b, targetEnd + 1);
    }
  }
  if (partial) return null;
  acc.method = method;
  acc.target = acc.seen.target.read(b, targetStart, targetEnd);
  acc.declaredVersion = declared;
  acc.version = declared ?? '1.0';
  if (declared === null) acc.tolerate(targetEnd === e ? 'unsupported-version' : 'invalid-version');
  return null;
}

/** Any visible byte (and obs-text): tshark takes the target as whatever precedes the next space. */
function isObservedTargetChar(c: number | undefined): boolean {
  return c !== undefined && c > 0x20 && c !== 0x7f;
}

export function statusLine(b: Uint8Array, s: number, e: number, acc: HeadAccumulator, partial: boolean, lenient: boolean): LineVerdict {
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
    for (; i < e; i++) {
      if (FIELD_CHAR[b[i] ?? 0] === 1) continue;
      // The reason phrase carries no meaning: a lenient reader keeps the status whatever follows it.
      if (!lenient) return badChar(b[i], 'invalid-status');
      if (!partial) acc.tolerate(badChar(b[i], 'invalid-status'));
    }
  }
  if (!partial) {
    acc.version = versionAt(b, s);
    acc.status = status;
    acc.reason = acc.seen.reason.read(b, reasonStart, e);
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
