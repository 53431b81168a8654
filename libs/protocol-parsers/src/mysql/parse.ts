import { frameResult, ignoredResult, NEED_MORE } from '../core/result.js';
import { DEFAULT_MYSQL_LIMITS, MAX_PACKET_LENGTH, type MysqlLimits, type MysqlParseResult } from './types.js';

/**
 * Frames one direction of a MySQL connection into packets (3-byte length, 1-byte sequence id).
 * Payloads are kept up to `maxPayloadBytes`; the rest of a long packet is skipped as it arrives, so
 * a 16 MiB row or a hostile length costs counting, not memory.
 */
export class MysqlDecoder {
  private pendingSkip = 0;
  private readonly limits: MysqlLimits;

  constructor(limits: MysqlLimits = DEFAULT_MYSQL_LIMITS) {
    this.limits = limits;
  }

  get skipping(): number {
    return this.pendingSkip;
  }

  reset(): void {
    this.pendingSkip = 0;
  }

  /** Absorbs `n` bytes a truncated capture lost; returns how many fell inside a skipped payload. */
  skip(n: number): number {
    const k = Math.min(n, this.pendingSkip);
    this.pendingSkip -= k;
    return k;
  }

  parse(b: Uint8Array): MysqlParseResult {
    if (this.pendingSkip > 0) {
      if (b.length === 0) return NEED_MORE;
      const k = Math.min(b.length, this.pendingSkip);
      this.pendingSkip -= k;
      return ignoredResult(k);
    }
    if (b.length < 4) return NEED_MORE;
    const length = (b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16);
    const seq = b[3] ?? 0;
    const kept = Math.min(length, this.limits.maxPayloadBytes);
    if (b.length < 4 + kept) return NEED_MORE;
    const taken = Math.min(length, b.length - 4);
    this.pendingSkip = length - taken;
    return frameResult({ seq, length, payload: b.subarray(4, 4 + kept), continues: length === MAX_PACKET_LENGTH }, 4 + taken);
  }
}
