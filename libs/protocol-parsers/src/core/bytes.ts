// Byte-level helpers shared by the text protocols. Everything works on
// Uint8Array offsets so the hot paths never build strings.

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const SEMICOLON = 0x3b;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const EQUALS = 0x3d;

function table(pred: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}

const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** RFC 9110 tchar: the characters of a token (header names, methods, codings). */
export const TCHAR = table((c) => isAlnum(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)));

/** RFC 9110 field-vchar plus SP/HTAB: what a header value may contain. */
export const FIELD_CHAR = table((c) => c === HTAB || (c >= 0x20 && c !== 0x7f));

/** Characters allowed in a request-target (visible ASCII, no space). */
export const TARGET_CHAR = table((c) => c >= 0x21 && c <= 0x7e);

/** qdtext of a quoted-string (RFC 9110 §5.6.4). */
export const QDTEXT = table((c) => c === HTAB || c === SP || c === 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80);

export const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[0x41 + i] = 10 + i;
    t[0x61 + i] = 10 + i;
  }
  return t;
})();

export function isDigit(c: number | undefined): c is number {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Latin-1 decoding of a short slice; callers bound `end - start` (fields of a capped head). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}

/** Case-insensitive match of bytes[start, end) against a lower-case ASCII literal. */
export function equalsLower(bytes: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = bytes[start + i] ?? 0;
    const folded = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    if (folded !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Shrink [start, end) past leading and trailing SP/HTAB (optional whitespace). */
export function trimOws(bytes: Uint8Array, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && (bytes[s] === SP || bytes[s] === HTAB)) s++;
  while (e > s && (bytes[e - 1] === SP || bytes[e - 1] === HTAB)) e--;
  return [s, e];
}

/**
 * Latin-1 text read at one place of a stream (a request target, a host) that usually repeats the last
 * value read there: the bytes are compared with that string and it is returned again when they match,
 * so a keep-alive connection builds the string once. Callers bound `end - start` as for `latin1`.
 */
export class RepeatedText {
  private last = '';

  read(bytes: Uint8Array, start: number, end: number): string {
    const last = this.last;
    if (last.length === end - start) {
      let i = 0;
      while (i < last.length && last.charCodeAt(i) === bytes[start + i]) i++;
      if (i === last.length) return last;
    }
    this.last = latin1(bytes, start, end);
    return this.last;
  }
}
