import { BACKSLASH, CR, DQUOTE, EQUALS, FIELD_CHAR, HEX_VALUE, LF, QDTEXT, SEMICOLON, TCHAR } from '../core/bytes.js';
import type { Http1ErrorCode } from './types.js';

export type ChunkLine = { readonly size: number; readonly end: number } | Http1ErrorCode | 'incomplete';

/**
 * Reads `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1) starting at `p`, looking
 * at no more than `maxLine` bytes so the verdict never depends on how the
 * stream was split. Strict like llhttp: no whitespace around size or extensions.
 */
export function scanChunkLine(b: Uint8Array, p: number, maxLine: number): ChunkLine {
  const limit = Math.min(b.length, p + maxLine);
  let i = p;
  let size = 0;
  while (i < limit) {
    const digit = HEX_VALUE[b[i] ?? 0] ?? -1;
    if (digit < 0) break;
    size = size * 16 + digit;
    if (size > Number.MAX_SAFE_INTEGER) return 'invalid-chunk-size';
    i++;
  }
  if (i === limit) return tooLongOrIncomplete(limit, p, maxLine);
  if (i === p) return 'invalid-chunk-size';
  const extensions = b[i] === SEMICOLON;
  while (b[i] === SEMICOLON) {
    const next = scanExtension(b, i + 1, limit);
    if (typeof next !== 'number') return next === 'incomplete' ? tooLongOrIncomplete(limit, p, maxLine) : next;
    i = next;
    if (i === limit) return tooLongOrIncomplete(limit, p, maxLine);
  }
  if (b[i] !== CR) return extensions ? 'invalid-chunk-extension' : 'invalid-chunk-size';
  if (++i === limit) return tooLongOrIncomplete(limit, p, maxLine);
  if (b[i] !== LF) return 'bare-cr';
  return { size, end: i + 1 };
}

function tooLongOrIncomplete(limit: number, p: number, maxLine: number): ChunkLine {
  return limit - p >= maxLine ? 'chunk-line-too-long' : 'incomplete';
}

/** `ext-name [ "=" ( token / quoted-string ) ]` from `i`; returns the index after it. */
function scanExtension(b: Uint8Array, i: number, limit: number): number | Http1ErrorCode | 'incomplete' {
  const nameStart = i;
  while (i < limit && TCHAR[b[i] ?? 0] === 1) i++;
  if (i === limit) return 'incomplete';
  if (i === nameStart) return 'invalid-chunk-extension';
  if (b[i] !== EQUALS) return i;
  if (++i === limit) return 'incomplete';
  if (b[i] !== DQUOTE) {
    const valueStart = i;
    while (i < limit && TCHAR[b[i] ?? 0] === 1) i++;
    if (i === limit) return 'incomplete';
    return i === valueStart ? 'invalid-chunk-extension' : i;
  }
  for (i++; i < limit; i++) {
    const c = b[i] ?? 0;
    if (c === DQUOTE) return i + 1;
    if (c === BACKSLASH) {
      if (++i === limit) return 'incomplete';
      if (FIELD_CHAR[b[i] ?? 0] !== 1) return 'invalid-chunk-extension';
    } else if (QDTEXT[c] !== 1) {
      return 'invalid-chunk-extension';
    }
  }
  return 'incomplete';
}
