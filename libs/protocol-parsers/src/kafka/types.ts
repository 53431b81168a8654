import type { ParseResult } from '../core/result.js';
import type { TraceContext } from '../trace/index.js';

/** Why bytes are not a Kafka frame. Body decoding problems never invalidate a frame (its size frames it). */
export type KafkaErrorCode =
  | 'invalid-length' // size prefix below the smallest header or above `maxFrameBytes`
  | 'invalid-request-header' // unknown api key / version, or a client id that does not fit
  | 'unknown-correlation-id'; // a response no pending request asked for (used while seeking)

export interface KafkaRequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** Null when the client sent a null client id. */
  readonly clientId: string | null;
}

/** What the body of a request tells observability: never record values or keys. */
export interface KafkaRequestBody {
  /** Topic names in wire order (UUIDs in hex for Fetch v13+, which names topics only by id); at most `MAX_TOPICS`. */
  readonly topics: string[];
  /** Partitions named across all topics. */
  readonly partitions: number;
  /** Produce `acks` (0 = the broker will not answer), else null. */
  readonly acks: number | null;
  /** Trace context from the record headers of the first Produce record carrying one. */
  readonly trace: TraceContext | null;
  /** False when the body was cut (capture cap, oversized frame) or not understood; the fields hold what was read. */
  readonly complete: boolean;
}

export interface KafkaResponseBody {
  /** First non-zero error code in wire order, else 0; null for APIs whose body we do not read. */
  readonly errorCode: number | null;
  readonly topics: string[];
  readonly partitions: number;
  readonly complete: boolean;
}

export type KafkaFrame =
  | { readonly kind: 'request'; readonly header: KafkaRequestHeader; readonly body: KafkaRequestBody; readonly size: number; readonly skip: number }
  | {
    readonly kind: 'response'; readonly correlationId: number; readonly body: KafkaResponseBody; readonly size: number;
    /** False when no pending request has this correlation id (the body could not be read). */
    readonly known: boolean;
    /** Bytes of this frame still to come after `consumed` (a frame too large to buffer is read from its head). */
    readonly skip: number;
  };

export type KafkaParseResult = ParseResult<KafkaFrame, KafkaErrorCode>;

export interface KafkaLimits {
  /** Largest size prefix accepted (Kafka's default socket.request.max.bytes is 100 MiB). */
  readonly maxFrameBytes: number;
  /** Frames larger than this are decoded from their first `maxBufferedFrameBytes` and the rest skipped. */
  readonly maxBufferedFrameBytes: number;
}

export const DEFAULT_KAFKA_LIMITS: KafkaLimits = Object.freeze({ maxFrameBytes: 100 * 1024 * 1024, maxBufferedFrameBytes: 64 * 1024 });

/** Names kept per frame; more topics are counted in `partitions` but not named. */
export const MAX_TOPICS = 64;

export interface KafkaTransaction {
  protocol: 'kafka';
  request: {
    apiKey: number;
    /** Kafka's name for the api key (`Produce`, `Fetch` …). */
    apiName: string;
    apiVersion: number;
    correlationId: number;
    clientId: string | null;
    topics: string[];
    partitions: number;
    /** Trace context from Produce record headers, or null. */
    trace: TraceContext | null;
    startNs: bigint;
    endNs: bigint;
    /** Frame size (after the size prefix). */
    bytes: number;
    /** Produce `acks`; 0 means no response will ever come. Null for other APIs. */
    acks: number | null;
  };
  response: {
    /** First non-zero error code, else 0; null for APIs whose body is not read. */
    errorCode: number | null;
    topics: string[];
    partitions: number;
    startNs: bigint;
    endNs: bigint;
    bytes: number;
  } | null;
}
