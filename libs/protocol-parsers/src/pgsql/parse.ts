import { frameResult, ignoredResult, invalidResult, NEED_MORE } from '../core/result.js';
import {
  BACKEND_TYPES, CANCEL_REQUEST_CODE, DEFAULT_PGSQL_LIMITS, FRONTEND_TYPES, GSSENC_REQUEST_CODE, PROTOCOL_3_0,
  SSL_REQUEST_CODE, type PgsqlFraming, type PgsqlLimits, type PgsqlParseResult,
} from './types.js';

/** The server caps a message at 1 GiB (PQ_LARGE_MESSAGE_LIMIT); anything larger is not PostgreSQL. */
const MAX_MESSAGE_LENGTH = 0x40000000;
/** Startup packets are small (server's MAX_STARTUP_PACKET_LENGTH is 10000). */
const MAX_STARTUP_LENGTH = 10000;
const EMPTY = new Uint8Array(0);

/** Messages whose body we never read (rows, copy data): only their type and length matter. */
const BODY_UNREAD = new Set<number>([0x44 /* D */, 0x64 /* d */]);

export function readInt32(b: Uint8Array, o: number): number {
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}

/**
 * Frames one direction of a PostgreSQL connection. Bodies are read up to `maxBodyBytes`; the rest
 * of a long message (and every DataRow/CopyData body) is skipped without being held, so a hostile
 * length field costs counting, not memory.
 */
export class PgsqlDecoder {
  framing: PgsqlFraming;
  /** Body bytes of the last message still to be skipped. */
  private pendingSkip = 0;
  private readonly limits: PgsqlLimits;

  constructor(readonly direction: 'request' | 'response', limits: PgsqlLimits = DEFAULT_PGSQL_LIMITS) {
    this.framing = direction === 'request' ? 'startup' : 'regular';
    this.limits = limits;
  }

  get skipping(): number {
    return this.pendingSkip;
  }

  reset(framing: PgsqlFraming = 'regular'): void {
    this.framing = framing;
    this.pendingSkip = 0;
  }

  /** Absorbs `n` bytes a truncated capture lost; returns how many fell inside a skipped body. */
  skip(n: number): number {
    const k = Math.min(n, this.pendingSkip);
    this.pendingSkip -= k;
    return k;
  }

  parse(b: Uint8Array): PgsqlParseResult {
    if (this.pendingSkip > 0) {
      if (b.length === 0) return NEED_MORE;
      const k = Math.min(b.length, this.pendingSkip);
      this.pendingSkip -= k;
      return ignoredResult(k);
    }
    if (this.framing === 'ssl-answer') return this.parseSslAnswer(b);
    if (this.framing === 'startup') return this.parseStartup(b);
    if (b.length < 5) return NEED_MORE;
    const code = b[0] ?? 0;
    const known = this.direction === 'request' ? FRONTEND_TYPES : BACKEND_TYPES;
    if (!known.has(code)) return invalidResult('unknown-message-type', 1);
    const length = readInt32(b, 1);
    if (length < 4 || length > MAX_MESSAGE_LENGTH) return invalidResult('invalid-length', 5);
    const bodyLength = length - 4;
    if (BODY_UNREAD.has(code)) {
      const taken = Math.min(bodyLength, b.length - 5);
      this.pendingSkip = bodyLength - taken;
      return frameResult({ type: 'message', code, length: bodyLength, body: EMPTY }, 5 + taken);
    }
    const kept = Math.min(bodyLength, this.limits.maxBodyBytes);
    if (b.length < 5 + kept) return NEED_MORE;
    const taken = Math.min(bodyLength, b.length - 5);
    this.pendingSkip = bodyLength - taken;
    return frameResult({ type: 'message', code, length: bodyLength, body: b.subarray(5, 5 + kept) }, 5 + taken);
  }

  private parseSslAnswer(b: Uint8Array): PgsqlParseResult {
    if (b.length < 1) return NEED_MORE;
    const c = b[0];
    if (c === 0x53 || c === 0x4e || c === 0x47) {
      this.framing = 'regular';
      return frameResult({ type: 'ssl-answer', answer: c === 0x53 ? 'S' : c === 0x4e ? 'N' : 'G' }, 1);
    }
    return invalidResult('invalid-ssl-answer', 1);
  }

  private parseStartup(b: Uint8Array): PgsqlParseResult {
    if (b.length < 8) return NEED_MORE;
    const length = readInt32(b, 0);
    const code = readInt32(b, 4);
    if (length < 8 || length > MAX_STARTUP_LENGTH) return invalidResult('invalid-length', 4);
    const special = code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE || code === CANCEL_REQUEST_CODE;
    if (!special && code >>> 16 !== 3) return invalidResult('invalid-startup', 8);
    // Parameters (user, database …) are never read: only their length is consumed.
    const taken = Math.min(length, b.length);
    this.pendingSkip = length - taken;
    this.framing = code === PROTOCOL_3_0 || code >>> 16 === 3 ? 'regular' : 'startup';
    return frameResult({ type: 'startup', code, length }, taken);
  }
}

export const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
