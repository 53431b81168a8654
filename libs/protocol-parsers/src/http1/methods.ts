/**
 * Request methods HTTP/1.x parsers accept: the registered HTTP methods llhttp
 * knows (RFC 9110, WebDAV, CalDAV, UPnP, PATCH, PURGE, QUERY …). An unknown token
 * is rejected like llhttp does: on a syscall stream it is far more often binary
 * data that happens to start with capitals than a private method.
 */
export const HTTP1_METHODS: ReadonlySet<string> = new Set([
  'DELETE', 'GET', 'HEAD', 'POST', 'PUT', 'CONNECT', 'OPTIONS', 'TRACE',
  'COPY', 'LOCK', 'MKCOL', 'MOVE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK',
  'BIND', 'REBIND', 'UNBIND', 'ACL', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE',
  'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PATCH', 'PURGE', 'MKCALENDAR',
  'LINK', 'UNLINK', 'SOURCE', 'QUERY', 'PRI',
]);

/** Longest method name above; a longer token cannot be a method. */
export const MAX_METHOD_LENGTH = 11;

/** First byte of every method, to reject binary data after one byte. */
export const METHOD_FIRST_BYTE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const m of HTTP1_METHODS) t[m.charCodeAt(0)] = 1;
  return t;
})();

export function isMethodChar(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x41 && c <= 0x5a) || c === 0x2d);
}

/**
 * Methods the lenient (observer) reader also accepts: registered methods llhttp leaves out (RFC 3253
 * DeltaV, RFC 5789's siblings) and vendor methods tshark knows, such as Cisco's `CCM_POST`.
 */
export const OBSERVED_METHODS: ReadonlySet<string> = new Set([
  'LABEL', 'UPDATE', 'CHECKIN', 'UNCHECKOUT', 'MKWORKSPACE', 'VERSION-CONTROL', 'BASELINE-CONTROL', 'ORDERPATCH',
  'MKREDIRECTREF', 'UPDATEREDIRECTREF', 'POLL', 'CCM_POST',
]);

export const MAX_OBSERVED_METHOD_LENGTH = 17;

export function isObservedMethodChar(c: number | undefined): boolean {
  return isMethodChar(c) || c === 0x5f;
}

/** Method names by length: a token is compared with the few names of its length, no string built. */
function byLength(names: Iterable<string>): readonly (readonly string[])[] {
  const table: string[][] = [];
  for (const name of names) (table[name.length] ??= []).push(name);
  return table;
}

const STRICT_BY_LENGTH = byLength(HTTP1_METHODS);
const OBSERVED_BY_LENGTH = byLength([...HTTP1_METHODS, ...OBSERVED_METHODS]);

/**
 * The method spelled by b[start, end) exactly (case-sensitive), as its constant string — so equal methods
 * are one string, cheap to compare and hash downstream — or null when it is not in HTTP1_METHODS (nor in
 * OBSERVED_METHODS when `observed`). Same answer as building the string and asking the sets.
 */
export function methodAt(b: Uint8Array, start: number, end: number, observed: boolean): string | null {
  const candidates = (observed ? OBSERVED_BY_LENGTH : STRICT_BY_LENGTH)[end - start];
  if (candidates === undefined) return null;
  for (const name of candidates) {
    let i = 0;
    while (i < name.length && name.charCodeAt(i) === b[start + i]) i++;
    if (i === name.length) return name;
  }
  return null;
}
