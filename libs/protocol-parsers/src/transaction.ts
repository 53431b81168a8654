import type { StreamChunk, StreamDirection } from './core/stream.js';
import type { DnsTransaction } from './dns/types.js';
import type { Http1ErrorCode } from './http1/types.js';
import type { KafkaTransaction } from './kafka/types.js';
import type { Http2Transaction } from './http2/types.js';
import type { MysqlTransaction } from './mysql/types.js';
import type { PgsqlTransaction } from './pgsql/types.js';
import type { RedisTransaction } from './redis/types.js';
import type { TraceContext } from './trace/types.js';

export interface Http1Transaction {
  protocol: 'http1';
  request: {
    /** Null (with `path`) when `fromResponse`: no request was read. */
    method: string | null;
    /** The request-target as sent (path and query for origin-form). */
    path: string | null;
    host: string | null;
    /** As the request line declared it; null when it declared none readable, or when `fromResponse`. */
    version: '1.0' | '1.1' | null;
    /**
     * True when the record stands for a response alone: its request was not captured or could not be
     * read (tshark counts such responses too). `startNs`/`endNs` are then the response's first byte.
     */
    fromResponse: boolean;
    startNs: bigint;
    endNs: bigint;
    bodyBytes: number;
    /** Trace context the request carried (W3C, B3, Jaeger, sw8 headers), or null. */
    trace: TraceContext | null;
  };
  response: { status: number; version: '1.0' | '1.1'; startNs: bigint; endNs: bigint; bodyBytes: number } | null;
  /** Interim (1xx other than 101) responses before the final one, in order: `100 Continue`, `103 Early Hints`. */
  interim: readonly { status: number; startNs: bigint; endNs: bigint }[];
}

/** Grows as protocols are added: one member per protocol, discriminated by `protocol`. */
export type Transaction = Http1Transaction | Http2Transaction | RedisTransaction | DnsTransaction | MysqlTransaction | PgsqlTransaction | KafkaTransaction;

/** Why the stitcher dropped bytes: a parser rule, or one of its own. */
export type StitchInvalidCode =
  | Http1ErrorCode
  | 'buffer-overflow' // more unconsumed bytes than `maxBufferedBytes`
  | 'gap-in-framing' // truncated capture lost bytes the parser needed (a head, a chunk-size line)
  | 'truncated-at-close'; // the connection closed inside a message

export interface StitcherStats {
  /** Transactions handed out, including those with `response: null`. */
  readonly transactions: number;
  /** Invalid input by named code (each protocol names its own codes; see its `types.ts`). */
  readonly invalid: Readonly<Partial<Record<string, number>>>;
  /** Bytes never parsed: missing from truncated captures, or dropped while out of sync. */
  readonly bytesSkipped: number;
  /** Chunks whose capture was truncated (`size > data.length`). */
  readonly truncatedGaps: number;
  /** Connections that switched protocols (101, CONNECT 2xx); the rest of their bytes are ignored. */
  readonly upgraded: number;
  /** Times a direction lost sync and started looking for the next message start. */
  readonly desyncs: number;
  /** Responses that no pending request could have caused. */
  readonly orphanResponses: number;
  /** Requests handed out with `response: null`. */
  readonly unansweredRequests: number;
  /** Completed transactions dropped because `take()` was not called often enough. */
  readonly droppedTransactions: number;
  /** Unconsumed bytes held right now, both directions; each direction holds at most `maxBufferedBytes` between pushes. */
  readonly bufferedBytes: number;
}

export interface StitcherOptions {
  /** Cap on unconsumed bytes held per direction (partial heads, data awaiting an upgrade verdict). */
  maxBufferedBytes?: number;
}

/** Turns the two byte streams of one connection into request/response records. */
export interface ConnectionStitcher {
  push(direction: StreamDirection, chunk: StreamChunk): void;
  /** Transactions completed since the last call, in request order. */
  take(): Transaction[];
  /** The connection closed: completes what the close completes and hands out every pending request. */
  flush(): Transaction[];
  readonly stats: StitcherStats;
}
