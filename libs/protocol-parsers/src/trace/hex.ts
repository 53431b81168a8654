// Lower-case hex checks shared by the formats: W3C and B3 forbid upper case.

/** True when `s[start, end)` is lower-case hex only. */
export function isLowerHex(s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** True when `s[start, end)` holds only `0` characters. */
export function isAllZero(s: string, start = 0, end = s.length): boolean {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** Header values may carry optional whitespace (SP/HTAB) around them (RFC 9110 §5.5). */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
