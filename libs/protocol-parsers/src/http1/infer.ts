import { COLON, LF, SP, TARGET_CHAR, TCHAR, isDigit } from '../core/bytes.js';
import {
  HTTP1_METHODS, MAX_METHOD_LENGTH, MAX_OBSERVED_METHOD_LENGTH, METHOD_FIRST_BYTE, OBSERVED_METHODS, isMethodChar, isObservedMethodChar,
} from './methods.js';

const SLASH = 0x2f;

const HTTP_1_DOT = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e]; // "HTTP/1."

function isHttp1Version(b: Uint8Array, i: number): boolean {
  if (i + HTTP_1_DOT.length + 1 > b.length) return false;
  for (let k = 0; k < HTTP_1_DOT.length; k++) if (b[i + k] !== HTTP_1_DOT[k]) return false;
  const minor = b[i + HTTP_1_DOT.length];
  return minor === 0x30 || minor === 0x31;
}

/**
 * Does a stream start with an HTTP/1.x message? Looks only at the bytes given:
 * `METHOD SP target SP HTTP/1.x` for a request, `HTTP/1.x SP ddd` for a response.
 */
export function inferHttp1(b: Uint8Array): 'request' | 'response' | null {
  const first = b[0];
  if (first === undefined) return null;
  if (isHttp1Version(b, 0)) {
    const i = HTTP_1_DOT.length + 1;
    return b[i] === SP && isDigit(b[i + 1]) && isDigit(b[i + 2]) && isDigit(b[i + 3]) && b[i + 1] !== 0x30 ? 'response' : null;
  }
  if (METHOD_FIRST_BYTE[first] !== 1) return null;
  let i = 1;
  while (i < b.length && i <= MAX_METHOD_LENGTH && isMethodChar(b[i])) i++;
  if (b[i] !== SP) return null;
  let method = '';
  for (let k = 0; k < i; k++) method += String.fromCharCode(b[k] ?? 0);
  if (!HTTP1_METHODS.has(method) || method === 'PRI') return null;
  const targetStart = ++i;
  while (i < b.length && TARGET_CHAR[b[i] ?? 0] === 1) i++;
  if (i === targetStart || b[i] !== SP) return null;
  return isHttp1Version(b, i + 1) ? 'request' : null;
}

/**
 * A request line the strict check refuses but servers answer and tshark reads: a known method, a space,
 * an origin-form target (`/…`), then no version or words that are not one (`GET /a b HTTP/1.1`), and a
 * header field on the next line. A broken or other `HTTP/` version, or a lone HTTP/0.9 line, is not
 * enough. Weaker evidence than a whole `HTTP/1.x` line, so inference gives it a lower confidence.
 */
export function inferLenientHttp1Request(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && i <= MAX_OBSERVED_METHOD_LENGTH && isObservedMethodChar(b[i])) i++;
  if (i === 0 || b[i] !== SP) return false;
  let method = '';
  for (let k = 0; k < i; k++) method += String.fromCharCode(b[k] ?? 0);
  if (!(HTTP1_METHODS.has(method) || OBSERVED_METHODS.has(method)) || method === 'PRI') return false;
  if (b[++i] !== SLASH) return false;
  while (i < b.length && TARGET_CHAR[b[i] ?? 0] === 1) i++;
  if (b[i] === SP && b[i + 1] === 0x48 && b[i + 2] === 0x54 && b[i + 3] === 0x54 && b[i + 4] === 0x50 && b[i + 5] === SLASH) return false;
  const lf = b.indexOf(LF, i);
  if (lf < 0) return false;
  let n = lf + 1;
  while (n < b.length && TCHAR[b[n] ?? 0] === 1) n++;
  return n > lf + 1 && b[n] === COLON;
}
