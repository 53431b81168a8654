import { latin1 } from '../core/bytes.js';

const DQUOTE = 0x22;
const QUOTE = 0x27;
const BACKSLASH = 0x5c;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);
}

/**
 * Counts the words of an inline command line `[s, e)` the way Redis' sdssplitargs splits them
 * (spaces separate, "double" and 'single' quotes group, backslash escapes inside double quotes),
 * and keeps the first `want` words of at most `maxWord` bytes (raw, quotes stripped).
 */
export function countInlineWords(b: Uint8Array, s: number, e: number, words: string[], want: number, maxWord: number): number {
  let i = s;
  let count = 0;
  for (;;) {
    while (i < e && isSpace(b[i])) i++;
    if (i >= e) return count;
    const q = b[i];
    let start = i;
    let end: number;
    if (q === DQUOTE || q === QUOTE) {
      start = ++i;
      while (i < e && b[i] !== q) i += q === DQUOTE && b[i] === BACKSLASH ? 2 : 1;
      end = Math.min(i, e);
      i++;
    } else {
      while (i < e && !isSpace(b[i])) i++;
      end = i;
    }
    if (words.length === count && count < want && end - start <= maxWord) words.push(latin1(b, start, end));
    count++;
  }
}
