import type { ParseResult } from '../core/result.js';
import type { StitcherStats } from '../transaction.js';

/** What a reply is, in the replay schema's words (RESP2 and RESP3 type bytes folded to one name each). */
export type RespType =
  | 'simple' | 'error' | 'integer' | 'bulk' | 'array' | 'null' | 'push'
  | 'map' | 'set' | 'double' | 'boolean' | 'bignum' | 'verbatim';

/** Why bytes are not RESP (names follow hiredis' error cases where it has one). */
export type RedisErrorCode =
  | 'invalid-type-byte' // hiredis: Protocol error, got "@" as reply type byte
  | 'invalid-length' // a length that is not a decimal, or below -1
  | 'length-out-of-range' // aggregate count above `maxElements` or bulk above `maxBulkBytes`
  | 'too-deep' // nesting beyond `maxDepth`
  | 'line-too-long'
  | 'bare-lf' // a line ended by LF alone
  | 'invalid-integer'
  | 'invalid-double'
  | 'invalid-boolean'
  | 'invalid-null'
  | 'invalid-bignum'
  | 'invalid-stream-chunk'; // streamed string part that is not `;<len>`

/** A complete top-level RESP value or inline command, described without its payload. */
export interface RespValue {
  readonly type: RespType;
  /** Children of a top-level aggregate (pairs for maps), -1 for scalars. */
  readonly elements: number;
  /**
   * Leading short string children (at most 3 for requests, 1 for replies), raw. Requests read the
   * command and the subcommands that change pairing (CLIENT REPLY OFF); never emitted beyond `[0]`.
   */
  readonly words: readonly string[];
  /** First word of an error reply (`ERR`, `WRONGTYPE` …), or null. */
  readonly error: string | null;
  /** Sent as an inline (telnet-style) command line rather than a RESP array. */
  readonly inline: boolean;
}

export type RedisFrame =
  /** A whole value ends with the consumed bytes. */
  | { readonly type: 'value'; readonly value: RespValue }
  /** Part of a value (headers, bulk bytes) was consumed; the value is not complete yet. */
  | { readonly type: 'partial' };

export type RedisParseResult = ParseResult<RedisFrame, RedisErrorCode>;

/** Caps that bound what a hostile or broken stream can make us hold or believe. */
export interface RedisLimits {
  readonly maxDepth: number;
  /** Elements of one aggregate (hiredis' default maxelements). */
  readonly maxElements: number;
  /** One bulk string; bodies are skipped by count, never held (Redis' proto-max-bulk-len). */
  readonly maxBulkBytes: number;
  /** A type line, a simple string or error, an inline command (Redis' PROTO_INLINE_MAX_SIZE). */
  readonly maxLineBytes: number;
  /** Strings longer than this are not captured as words (command names are short). */
  readonly maxWordBytes: number;
}

export const DEFAULT_REDIS_LIMITS: RedisLimits = Object.freeze({
  maxDepth: 256,
  maxElements: 2 ** 32 - 1,
  maxBulkBytes: 512 * 1024 * 1024,
  maxLineBytes: 64 * 1024,
  maxWordBytes: 64,
});

/** The stitcher's counters plus what only Redis has. */
export interface RedisStitcherStats extends StitcherStats {
  /** Out-of-band server messages (RESP3 `>` pushes, RESP2 pub/sub messages): not replies to a command. */
  readonly pushes: number;
  /** Requests sent while `CLIENT REPLY OFF|SKIP` told the server not to answer. */
  readonly silencedRequests: number;
}

export interface RedisTransaction {
  protocol: 'redis';
  request: {
    /** Upper case; null when the first element was not a short string. */
    command: string | null;
    /** Arguments after the command name (their values are never kept). */
    args: number;
    inline: boolean;
    startNs: bigint;
    endNs: bigint;
  };
  response: {
    type: RespType;
    /** First word of an error reply (`ERR`, `WRONGTYPE`, `NOAUTH` …). */
    error: string | null;
    /** Children of an aggregate reply (pairs for maps). */
    elements: number | null;
    startNs: bigint;
    endNs: bigint;
  } | null;
}
