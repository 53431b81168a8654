import { CR, LF, SP, HTAB, latin1 } from '../core/bytes.js';
import { NEED_MORE, frameResult, ignoredResult, invalidResult } from '../core/result.js';
import { countInlineWords } from './inline.js';
import {
  DEFAULT_REDIS_LIMITS,
  type RedisErrorCode, type RedisFrame, type RedisLimits, type RedisParseResult, type RespType, type RespValue,
} from './types.js';

export type RespRole = 'request' | 'response';

const PARTIAL: RedisFrame = Object.freeze({ type: 'partial' });
const STREAMED = -1;
const LEN_INVALID = -2;
const LEN_STREAMED = -3;
const MAX_ERROR_WORD = 32;
/** Blob errors up to this size are read whole so their first word can be reported. */
const MAX_BLOB_ERROR_CAPTURE = 256;
const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';

// Type byte → what it starts. 1 line scalar, 2 length-prefixed string, 3 aggregate, 0 not a type byte.
const SHAPE = new Uint8Array(256);
const TYPE_NAME: Array<RespType | undefined> = [];
for (const [c, shape, name] of [
  ['+', 1, 'simple'], ['-', 1, 'error'], [':', 1, 'integer'], [',', 1, 'double'], ['#', 1, 'boolean'], ['_', 1, 'null'],
  ['(', 1, 'bignum'], ['$', 2, 'bulk'], ['!', 2, 'error'], ['=', 2, 'verbatim'], ['*', 3, 'array'], ['%', 3, 'map'],
  ['~', 3, 'set'], ['>', 3, 'push'], ['|', 3, undefined],
] as const) {
  SHAPE[c.charCodeAt(0)] = shape;
  TYPE_NAME[c.charCodeAt(0)] = name;
}
const STAR = 0x2a;
const PIPE = 0x7c;
const PERCENT = 0x25;
const DOLLAR = 0x24;
const BANG = 0x21;
const DOT = 0x2e;
const SEMI = 0x3b;
const MINUS = 0x2d;

/** True for a byte that can start a RESP2/RESP3 value. */
export function isRespTypeByte(c: number | undefined): boolean {
  return c !== undefined && SHAPE[c] !== 0;
}

/**
 * Incremental RESP decoder for one direction of one connection. Values are walked, never built:
 * a stack of remaining child counts stands for the nesting, bulk bodies are skipped by count (so
 * a hostile `$999999999` costs nothing), and only the first few short strings are read.
 * Each call returns one result; `partial` frames consume headers and body bytes of a value that
 * is not complete, so the caller never holds more than one line.
 */
export class RespDecoder {
  private readonly remaining: number[] = [];
  private readonly attr: boolean[] = [];
  private mode: 'value' | 'body' | 'stream-chunk' = 'value';
  private afterBody: 'value' | 'stream-chunk' = 'value';
  private bodyLeft = 0;
  private topType: RespType | null = null;
  private topElements = -1;
  private topStreamed = false;
  private children = 0;
  private words: string[] = [];
  private error: string | null = null;
  private readonly wantWords: number;

  constructor(readonly role: RespRole, private readonly limits: RedisLimits = DEFAULT_REDIS_LIMITS) {
    this.wantWords = role === 'request' ? 3 : 1;
  }

  /** True between values: the next byte must start a new top-level value. */
  get idle(): boolean {
    return this.mode === 'value' && this.remaining.length === 0 && this.topType === null;
  }

  parse(input: Uint8Array): RedisParseResult {
    let p = 0;
    for (;;) {
      if (this.mode === 'body') {
        const n = Math.min(this.bodyLeft, input.length - p);
        p += n;
        this.bodyLeft -= n;
        if (this.bodyLeft > 0) break;
        this.mode = this.afterBody;
        if (this.mode === 'value') {
          const done = this.valueDone();
          if (done !== null) return frameResult({ type: 'value', value: done }, p);
        }
        continue;
      }
      // A bad type byte is known before its line ends (hiredis fails on `x` alone too).
      const c = input[p];
      if (this.mode === 'value' && c !== undefined && SHAPE[c] === 0 && c !== DOT && !(this.idle && this.role === 'request')) {
        return invalidResult('invalid-type-byte', p + 1);
      }
      const lf = input.indexOf(LF, p);
      if (lf < 0) {
        if (input.length - p > this.limits.maxLineBytes) return invalidResult('line-too-long', input.length);
        break;
      }
      if (lf - p > this.limits.maxLineBytes) return invalidResult('line-too-long', lf + 1);
      if (this.mode === 'value' && this.idle && this.role === 'request' && input[p] !== STAR) return this.inline(input, p, lf);
      if (lf === p || input[lf - 1] !== CR) return invalidResult('bare-lf', lf + 1);
      const r = this.mode === 'stream-chunk' ? this.streamChunk(input, p, lf - 1) : this.typeLine(input, p, lf - 1);
      if (typeof r === 'string') return invalidResult(r, lf + 1);
      if (r === WAIT) break;
      if (r === CONTINUE) {
        p = lf + 1;
        continue;
      }
      p = r.next;
      if (r.value !== null) return frameResult({ type: 'value', value: r.value }, p);
    }
    return p > 0 ? frameResult(PARTIAL, p) : NEED_MORE;
  }

  /**
   * `gap` bytes at the current position were lost (truncated capture). Returns how many fell inside
   * a bulk body and were accounted for; the rest hit framing, so the caller must resynchronise.
   */
  skip(gap: number): number {
    if (this.mode !== 'body') return 0;
    const absorbed = Math.min(gap, this.bodyLeft);
    this.bodyLeft -= absorbed;
    return absorbed;
  }

  reset(): void {
    this.remaining.length = 0;
    this.attr.length = 0;
    this.mode = 'value';
    this.bodyLeft = 0;
    this.resetTop();
  }

  private resetTop(): void {
    this.topType = null;
    this.topElements = -1;
    this.topStreamed = false;
    this.children = 0;
    this.words = [];
    this.error = null;
  }

  /** One type line `[s, e)` (CR excluded) whose LF is at `e + 1`. */
  private typeLine(input: Uint8Array, s: number, e: number): LineOutcome {
    const c = input[s] ?? 0;
    const shape = SHAPE[c];
    const depth = this.remaining.length;
    if (c === DOT && e === s + 1 && depth > 0 && this.remaining[depth - 1] === STREAMED) {
      this.remaining.pop();
      this.attr.pop();
      return this.completed(e + 2);
    }
    if (shape === 0) return 'invalid-type-byte';
    const atTop = depth === 0;
    // Index of a direct child of the top aggregate; words are kept only as an unbroken prefix.
    const child = depth === 1 && this.attr[0] === false && this.words.length === this.children ? this.children : -1;
    if (atTop && c !== PIPE) this.topType = TYPE_NAME[c] ?? null;
    if (shape === 1) {
      const bad = checkScalar(c, input, s + 1, e);
      if (bad !== null) return bad;
      if (atTop && c === MINUS) this.error = errorWord(input, s + 1, e);
      if (child >= 0 && child < this.wantWords && c === 0x2b && e - s - 1 <= this.limits.maxWordBytes) this.words.push(latin1(input, s + 1, e));
      return this.completed(e + 2);
    }
    const n = readLength(input, s + 1, e);
    if (shape === 2) {
      if (n === LEN_STREAMED && c === DOLLAR) {
        this.mode = 'stream-chunk';
        return CONTINUE;
      }
      if (n === -1 && c === DOLLAR) {
        if (atTop) this.topType = 'null';
        return this.completed(e + 2);
      }
      if (n < 0) return 'invalid-length';
      if (n > this.limits.maxBulkBytes) return 'length-out-of-range';
      const capture = (child >= 0 && child < this.wantWords && c === DOLLAR && n <= this.limits.maxWordBytes)
        || (atTop && c === BANG && n <= MAX_BLOB_ERROR_CAPTURE);
      if (capture) {
        const body = e + 2;
        if (body + n + 2 > input.length) return WAIT;
        if (c === DOLLAR) this.words.push(latin1(input, body, body + n));
        else this.error = errorWord(input, body, body + n);
        return this.completed(body + n + 2);
      }
      this.mode = 'body';
      this.afterBody = 'value';
      this.bodyLeft = n + 2;
      return { next: e + 2, value: null };
    }
    // Aggregates.
    if (n === -1 && c === STAR) {
      if (atTop) this.topType = 'null';
      return this.completed(e + 2);
    }
    if (n === LEN_INVALID || n === -1 || (n === LEN_STREAMED && c === PIPE)) return 'invalid-length';
    if (n > this.limits.maxElements) return 'length-out-of-range';
    if (depth + 1 > this.limits.maxDepth) return 'too-deep';
    const count = n === LEN_STREAMED ? STREAMED : c === PERCENT || c === PIPE ? n * 2 : n;
    if (atTop && c !== PIPE) {
      this.topStreamed = count === STREAMED;
      this.topElements = n;
    }
    if (count === 0) return c === PIPE ? CONTINUE : this.completed(e + 2);
    this.remaining.push(count);
    this.attr.push(c === PIPE);
    return CONTINUE;
  }

  /** `;<len>` of a streamed string; `;0` ends it. */
  private streamChunk(input: Uint8Array, s: number, e: number): LineOutcome {
    if (input[s] !== SEMI) return 'invalid-stream-chunk';
    const n = readLength(input, s + 1, e);
    if (n < 0) return 'invalid-stream-chunk';
    if (n > this.limits.maxBulkBytes) return 'length-out-of-range';
    if (n === 0) {
      this.mode = 'value';
      return this.completed(e + 2);
    }
    this.mode = 'body';
    this.afterBody = 'stream-chunk';
    this.bodyLeft = n + 2;
    return { next: e + 2, value: null };
  }

  private completed(next: number): LineOutcome {
    return { next, value: this.valueDone() };
  }

  /** A value ended at the current depth; returns the top-level value when that ends too. */
  private valueDone(): RespValue | null {
    for (;;) {
      const d = this.remaining.length;
      if (d === 0) {
        if (this.topType === null) return null; // a top-level attribute: its value follows
        let elements = this.topElements;
        if (this.topStreamed) elements = this.topType === 'map' ? this.children >> 1 : this.children;
        const value: RespValue = { type: this.topType, elements, words: this.words, error: this.error, inline: false };
        this.resetTop();
        return value;
      }
      if (d === 1 && this.attr[0] === false) this.children++;
      const r = this.remaining[d - 1] ?? 0;
      if (r === STREAMED) return null;
      if (r > 1) {
        this.remaining[d - 1] = r - 1;
        return null;
      }
      this.remaining.pop();
      // An attribute is not a value of its parent: the value it annotates follows.
      if (this.attr.pop() === true) return null;
    }
  }

  private inline(input: Uint8Array, p: number, lf: number): RedisParseResult {
    const end = lf > p && input[lf - 1] === CR ? lf - 1 : lf;
    const words: string[] = [];
    const count = countInlineWords(input, p, end, words, this.wantWords, this.limits.maxWordBytes);
    if (count === 0) return ignoredResult(lf + 1);
    return frameResult({ type: 'value', value: { type: 'array', elements: count, words, error: null, inline: true } }, lf + 1);
  }
}

const WAIT = 0;
const CONTINUE = 1;
type LineOutcome = RedisErrorCode | typeof WAIT | typeof CONTINUE | { next: number; value: RespValue | null };

/** Decimal length in `[s, e)`: n ≥ -1, `LEN_STREAMED` for `?`, `LEN_INVALID` otherwise. */
function readLength(b: Uint8Array, s: number, e: number): number {
  if (e === s + 1 && b[s] === 0x3f) return LEN_STREAMED;
  if (e === s + 2 && b[s] === MINUS && b[s + 1] === 0x31) return -1;
  if (e <= s || e - s > 19) return LEN_INVALID;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = (b[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return LEN_INVALID;
    n = n * 10 + d;
  }
  return n;
}

function checkScalar(c: number, b: Uint8Array, s: number, e: number): RedisErrorCode | null {
  switch (c) {
    case 0x3a: return isInt64(b, s, e) ? null : 'invalid-integer';
    case 0x2c: return isDouble(b, s, e) ? null : 'invalid-double';
    case 0x23: return e === s + 1 && (b[s] === 0x74 || b[s] === 0x66) ? null : 'invalid-boolean';
    case 0x5f: return e === s ? null : 'invalid-null';
    case 0x28: return isDigits(b, b[s] === MINUS || b[s] === 0x2b ? s + 1 : s, e) ? null : 'invalid-bignum';
    default: return null;
  }
}

function isDigits(b: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) if ((b[i] ?? 0) < 0x30 || (b[i] ?? 0) > 0x39) return false;
  return true;
}

/** A signed 64-bit decimal, as hiredis' string2ll accepts it. */
function isInt64(b: Uint8Array, s: number, e: number): boolean {
  const neg = b[s] === MINUS;
  const ds = neg ? s + 1 : s;
  if (!isDigits(b, ds, e) || e - ds > 19) return false;
  if (e - ds < 19) return true;
  const bound = neg ? INT64_MIN_ABS : INT64_MAX;
  for (let i = 0; i < 19; i++) {
    const d = b[ds + i] ?? 0;
    const m = bound.charCodeAt(i);
    if (d !== m) return d < m;
  }
  return true;
}

/** What strtod accepts over the whole line: sign, digits, fraction, exponent, or inf/nan. */
function isDouble(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  if (b[i] === MINUS || b[i] === 0x2b) i++;
  const word = latin1(b, i, Math.min(e, i + 9)).toLowerCase();
  if (e - i <= 8 && (word === 'inf' || word === 'infinity' || word === 'nan')) return true;
  let digits = 0;
  while (i < e && (b[i] ?? 0) >= 0x30 && (b[i] ?? 0) <= 0x39) { i++; digits++; }
  if (b[i] === DOT) {
    i++;
    while (i < e && (b[i] ?? 0) >= 0x30 && (b[i] ?? 0) <= 0x39) { i++; digits++; }
  }
  if (digits === 0) return false;
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === MINUS || b[i] === 0x2b) i++;
    if (!isDigits(b, i, Math.min(e, i + 1))) return false;
    while (i < e && (b[i] ?? 0) >= 0x30 && (b[i] ?? 0) <= 0x39) i++;
  }
  return i === e;
}

/** `ERR`, `WRONGTYPE` …: the error code Redis puts first; the rest may echo argument values. */
function errorWord(b: Uint8Array, s: number, e: number): string {
  let i = s;
  while (i < e && i - s < MAX_ERROR_WORD && b[i] !== SP && b[i] !== HTAB && b[i] !== CR && b[i] !== LF) i++;
  return latin1(b, s, i);
}

export function createRespDecoder(role: RespRole, limits: RedisLimits = DEFAULT_REDIS_LIMITS): RespDecoder {
  return new RespDecoder(role, limits);
}
