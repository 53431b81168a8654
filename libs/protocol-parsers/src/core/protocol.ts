import type { ConnectionStitcher, StitcherOptions, Transaction } from '../transaction.js';

/** Every protocol Kinsight parses; `grpc` rides on `http2` and is reported by the HTTP/2 module. */
export type ProtocolName = 'http1' | 'http2' | 'grpc' | 'redis' | 'mysql' | 'pgsql' | 'dns' | 'kafka';

/** Modules that own a connection (gRPC is reported by the HTTP/2 module). */
export type ModuleName = Exclude<ProtocolName, 'grpc'>;

/** How a stream is carried: byte stream (TCP) or one message per datagram (UDP). */
export type Transport = 'tcp' | 'udp';

/** What protocol inference saw in the first bytes of one direction. */
export interface Inference {
  kind: 'request' | 'response';
  /**
   * 0..1, how sure: a full HTTP request line is near 1, a 12-byte DNS header that merely parses is lower.
   * The registry asks every module and keeps the most confident answer.
   */
  confidence: number;
}

/** The replay schema's per-protocol part (see README "Replay"): `req`, `resp`, `trace`. */
export interface ReplayFields {
  proto: ProtocolName;
  req: Record<string, unknown>;
  resp: Record<string, unknown> | null;
  trace: { trace_id: string; span_id: string } | null;
  /**
   * Interim answers to the same request (HTTP 1xx), each printed as a record of its own before this one
   * with the same `req`: tshark counts every status line. `endNs` ends its latency.
   */
  interim?: readonly { resp: Record<string, unknown>; endNs: bigint }[];
}

/**
 * What the agent aggregates per call, protocol-neutral: an operation (HTTP method, Redis command, SQL
 * verb, DNS qtype, Kafka API), a status in the protocol's own words and whether it is an error.
 */
export interface CallOutcome {
  operation: string;
  /** e.g. "200", "NXDOMAIN", "ERR", "23505"; null when there was no response */
  status: string | null;
  error: boolean;
}

export interface ProtocolModule {
  readonly name: ModuleName;
  readonly transports: readonly Transport[];
  /** Well-known ports, used only as a tie-breaker hint, never as proof. */
  readonly portHints: readonly number[];
  /** Looks at the first bytes of one direction; never throws, null when they are not this protocol. */
  infer(firstBytes: Uint8Array, transport: Transport): Inference | null;
  createStitcher(opts?: StitcherOptions & { transport?: Transport }): ConnectionStitcher;
  toReplay(tx: Transaction): ReplayFields;
  outcome(tx: Transaction): CallOutcome;
}
