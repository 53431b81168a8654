/**
 * SQL normalisation for grouping statements in slow-statement reports: literals become `?`,
 * comments go, whitespace collapses, identifiers and keywords stay as written. One pass over the
 * text, no regular expressions; the input is already capped by the wire parsers.
 */

/** How quotes read: MySQL strings take backslash escapes and `"` quotes strings; PostgreSQL's do not. */
export type SqlDialect = 'mysql' | 'postgresql';

const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  IDENT[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 ? 1 : 0;
}

function isIdentChar(c: number): boolean {
  return c >= 128 || IDENT[c] === 1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** End (exclusive) of a quoted run starting at `i` (the opening quote); doubled quotes escape. */
function quotedEnd(sql: string, i: number, quote: number, backslash: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql.charCodeAt(j);
    if (backslash && c === 0x5c) j += 2;
    else if (c === quote) {
      if (sql.charCodeAt(j + 1) === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

/** End of a number literal at `i`: digits, one dot, an exponent. */
function numberEnd(sql: string, i: number): number {
  let j = i;
  while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
  if (sql.charCodeAt(j) === 0x2e) {
    j++;
    while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
  }
  const e = sql.charCodeAt(j) | 0x20;
  if (e === 0x65) {
    let k = j + 1;
    if (sql.charCodeAt(k) === 0x2b || sql.charCodeAt(k) === 0x2d) k++;
    if (isDigit(sql.charCodeAt(k))) {
      while (k < sql.length && isDigit(sql.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j;
}

/** End of a `$tag$ … $tag$` string at `i`, or -1 when `$` does not open one (e.g. `$1`). */
function dollarQuotedEnd(sql: string, i: number): number {
  let j = i + 1;
  while (j < sql.length && sql.charCodeAt(j) !== 0x24) {
    const c = sql.charCodeAt(j);
    if (!isIdentChar(c) || c === 0x24 || (j === i + 1 && isDigit(c))) return -1;
    j++;
  }
  if (j >= sql.length) return -1;
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  return close < 0 ? sql.length : close + tag.length;
}

function wordEquals(sql: string, start: number, end: number, lower: string): boolean {
  return end - start === lower.length && sql.slice(start, end).toLowerCase() === lower;
}

/**
 * Replaces literals with `?` so statements that differ only in values group together:
 * `SELECT * FROM t WHERE id IN (1, 2, 3) AND name = 'x' -- hi` → `SELECT * FROM t WHERE id IN (?) AND name = ?`.
 * Strings, numbers, hex/bit literals (`0x1F`, `X'1F'`, `B'01'`), TRUE/FALSE and PostgreSQL dollar-quoted
 * strings become `?`; `IN (?, ?, …)` becomes `IN (?)`; comments are removed; whitespace collapses to one space;
 * a trailing `;` is dropped. Placeholders (`?`, `$1`) and identifiers (also quoted ones) stay.
 */
export function normalizeSql(sql: string, dialect: SqlDialect = 'mysql'): string {
  const out: string[] = [];
  let space = false;
  let lastWordIn = false; // the previous token was the keyword IN
  const push = (token: string): void => {
    if (space && out.length > 0) out.push(' ');
    space = false;
    out.push(token);
  };
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1;
    if (isSpace(c)) {
      space = true;
      i++;
      continue;
    }
    if ((c === 0x2d && next === 0x2d) || (c === 0x23 && dialect === 'mysql')) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      space = true;
      continue;
    }
    if (c === 0x2f && next === 0x2a) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql.charCodeAt(j) === 0x2a && sql.charCodeAt(j + 1) === 0x2f) {
          depth--;
          j += 2;
        } else if (dialect === 'postgresql' && sql.charCodeAt(j) === 0x2f && sql.charCodeAt(j + 1) === 0x2a) {
          depth++;
          j += 2;
        } else j++;
      }
      i = j;
      space = true;
      continue;
    }
    const wasIn = lastWordIn;
    lastWordIn = false;
    if (c === 0x27 || (c === 0x22 && dialect === 'mysql')) {
      i = quotedEnd(sql, i, c, dialect === 'mysql');
      push('?');
      continue;
    }
    if (c === 0x22 || c === 0x60) {
      const end = quotedEnd(sql, i, c, false);
      push(sql.slice(i, end));
      i = end;
      continue;
    }
    if (c === 0x24 && dialect === 'postgresql') {
      const end = dollarQuotedEnd(sql, i);
      if (end > 0) {
        push('?');
        i = end;
        continue;
      }
    }
    if (isDigit(c) || (c === 0x2e && isDigit(next))) {
      if (c === 0x30 && (next | 0x20) === 0x78) {
        let j = i + 2;
        while (j < n && isIdentChar(sql.charCodeAt(j))) j++;
        i = j;
      } else {
        i = numberEnd(sql, i);
      }
      push('?');
      continue;
    }
    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(sql.charCodeAt(j))) j++;
      const quote = j < n ? sql.charCodeAt(j) : -1;
      const prefix = j - i === 1 ? c | 0x20 : -1;
      if (quote === 0x27 && (prefix === 0x78 || prefix === 0x62 || prefix === 0x65 || prefix === 0x6e)) {
        // X'..', B'..', E'..' (PostgreSQL escapes), N'..' (national strings)
        i = quotedEnd(sql, j, 0x27, dialect === 'mysql' || prefix === 0x65);
        push('?');
        continue;
      }
      if (wordEquals(sql, i, j, 'true') || wordEquals(sql, i, j, 'false')) push('?');
      else push(sql.slice(i, j));
      lastWordIn = wordEquals(sql, i, j, 'in');
      i = j;
      continue;
    }
    if (c === 0x28 && wasIn) {
      const end = collapsedInList(sql, i, dialect);
      if (end > 0) {
        push('(?)');
        i = end;
        continue;
      }
    }
    push(sql[i] ?? '');
    i++;
  }
  while (out.length > 0 && (out[out.length - 1] === ';' || out[out.length - 1] === ' ')) out.pop();
  return out.join('');
}

/**
 * After `IN`, a parenthesised list of literals and placeholders only: the index after `)`, else -1
 * (a sub-select or expressions stay as they are, normalised token by token).
 */
function collapsedInList(sql: string, open: number, dialect: SqlDialect): number {
  let i = open + 1;
  let items = 0;
  let expectItem = true;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (expectItem) {
      let end = -1;
      if (c === 0x27 || (c === 0x22 && dialect === 'mysql')) end = quotedEnd(sql, i, c, dialect === 'mysql');
      else if (c === 0x3f) end = i + 1;
      else if (c === 0x24 && isDigit(sql.charCodeAt(i + 1))) {
        end = i + 1;
        while (end < sql.length && isDigit(sql.charCodeAt(end))) end++;
      } else if (isDigit(c) || ((c === 0x2d || c === 0x2b) && isDigit(sql.charCodeAt(i + 1)))) {
        const start = c === 0x2d || c === 0x2b ? i + 1 : i;
        end = sql.charCodeAt(start) === 0x30 && (sql.charCodeAt(start + 1) | 0x20) === 0x78 ? hexEnd(sql, start + 2) : numberEnd(sql, start);
      }
      if (end < 0) return -1;
      items++;
      i = end;
      expectItem = false;
      continue;
    }
    if (c === 0x2c) {
      expectItem = true;
      i++;
      continue;
    }
    return c === 0x29 && items > 0 ? i + 1 : -1;
  }
  return -1;
}

function hexEnd(sql: string, i: number): number {
  let j = i;
  while (j < sql.length && isIdentChar(sql.charCodeAt(j))) j++;
  return j;
}
