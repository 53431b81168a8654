import type { ParseResult } from '../core/result.js';

/** Frame type codes (RFC 9113 §6). */
export const FRAME_TYPE = {
  DATA: 0x0, HEADERS: 0x1, PRIORITY: 0x2, RST_STREAM: 0x3, SETTINGS: 0x4,
  PUSH_PROMISE: 0x5, PING: 0x6, GOAWAY: 0x7, WINDOW_UPDATE: 0x8, CONTINUATION: 0x9,
} as const;

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

/** The client connection preface (RFC 9113 §3.4). */
export const CLIENT_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/** RFC 9113 §7 error code names, by code; used for RST_STREAM and GOAWAY. */
export const H2_ERROR_NAMES: readonly string[] = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];

export function h2ErrorName(code: number): string {
  return H2_ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** Why frame bytes break RFC 9113; each maps to the connection error an endpoint would send. */
export type Http2FrameErrorCode =
  | 'frame-too-large' // length above the receiver's SETTINGS_MAX_FRAME_SIZE
  | 'stream-id-required' // a stream frame on stream 0
  | 'stream-id-forbidden' // a connection frame (SETTINGS, PING, GOAWAY) on a stream
  | 'invalid-padding' // pad length not smaller than the payload
  | 'invalid-frame-length' // fixed-size frame (PRIORITY, RST_STREAM, PING, SETTINGS …) of the wrong size
  | 'invalid-promised-stream' // PUSH_PROMISE promising stream 0 or a client (odd) stream
  | 'zero-window-increment'
  | 'invalid-setting-value'
  | 'continuation-expected' // a header block was open and another frame arrived
  | 'unexpected-continuation'
  | 'invalid-preface';

/** Why a header block cannot be decoded (RFC 7541). */
export type HpackErrorCode =
  | 'hpack-invalid-index'
  | 'hpack-invalid-integer'
  | 'hpack-invalid-huffman'
  | 'hpack-truncated'
  | 'hpack-table-size-too-large' // size update above the SETTINGS_HEADER_TABLE_SIZE limit
  | 'hpack-late-size-update'; // size update after the first field of a block

export type Http2ErrorCode = Http2FrameErrorCode | HpackErrorCode;

/** The RFC 9113 error code a strict endpoint answers each rule with (http2-frame-test-case compares these). */
export const H2_ERROR_CODE_OF: Readonly<Record<Http2ErrorCode, number>> = {
  'frame-too-large': 6, 'stream-id-required': 1, 'stream-id-forbidden': 1, 'invalid-padding': 1,
  'invalid-frame-length': 6, 'invalid-promised-stream': 1, 'zero-window-increment': 1, 'invalid-setting-value': 1,
  'continuation-expected': 1, 'unexpected-continuation': 1, 'invalid-preface': 1,
  'hpack-invalid-index': 9, 'hpack-invalid-integer': 9, 'hpack-invalid-huffman': 9, 'hpack-truncated': 9,
  'hpack-table-size-too-large': 9, 'hpack-late-size-update': 9,
};

export interface Priority {
  readonly exclusive: boolean;
  readonly streamDependency: number;
  /** Effective weight 1..256 (the wire carries weight − 1). */
  readonly weight: number;
}

/**
 * One frame. DATA (and frames we do not buffer) arrive in two steps: the header,
 * then the payload in `data-chunk` pieces as bytes come in, so a 16 MB frame never
 * sits in memory. Header-bearing frames carry their fragment as a view of the input.
 */
export type Http2Frame =
  | {
    readonly type: 'data'; readonly streamId: number; readonly endStream: boolean; readonly length: number;
    readonly padLength: number; readonly dataLength: number;
    /** True when no `data-chunk` follows (an empty payload). */
    readonly complete: boolean;
  }
  | {
    /** Payload of the last DATA or skipped frame; padding arrives as chunks with `isPadding`. */
    readonly type: 'data-chunk'; readonly streamId: number; readonly bytes: Uint8Array; readonly isPadding: boolean;
    /** The frame's last payload byte is in this chunk. */
    readonly last: boolean; readonly endStream: boolean;
  }
  | {
    readonly type: 'headers'; readonly streamId: number; readonly endStream: boolean; readonly endHeaders: boolean;
    readonly padLength: number; readonly priority: Priority | null; readonly fragment: Uint8Array;
  }
  | { readonly type: 'priority'; readonly streamId: number; readonly priority: Priority }
  | { readonly type: 'rst-stream'; readonly streamId: number; readonly errorCode: number }
  | { readonly type: 'settings'; readonly ack: boolean; readonly settings: ReadonlyArray<readonly [number, number]> }
  | {
    readonly type: 'push-promise'; readonly streamId: number; readonly endHeaders: boolean; readonly padLength: number;
    readonly promisedStreamId: number; readonly fragment: Uint8Array;
  }
  | { readonly type: 'ping'; readonly ack: boolean; readonly opaque: Uint8Array }
  | { readonly type: 'goaway'; readonly lastStreamId: number; readonly errorCode: number; readonly debugData: Uint8Array }
  | { readonly type: 'window-update'; readonly streamId: number; readonly increment: number }
  | { readonly type: 'continuation'; readonly streamId: number; readonly endHeaders: boolean; readonly fragment: Uint8Array }
  /** A frame whose payload is skipped: an unknown type (RFC 9113 §4.1 says ignore), or too large to buffer. */
  | { readonly type: 'skipped'; readonly frameType: number; readonly streamId: number; readonly length: number; readonly flags: number };

export type Http2ParseResult = ParseResult<Http2Frame, Http2FrameErrorCode>;

/** SETTINGS identifiers (RFC 9113 §6.5.2). */
export const SETTING = {
  HEADER_TABLE_SIZE: 1, ENABLE_PUSH: 2, MAX_CONCURRENT_STREAMS: 3, INITIAL_WINDOW_SIZE: 4, MAX_FRAME_SIZE: 5, MAX_HEADER_LIST_SIZE: 6,
} as const;

export const DEFAULT_MAX_FRAME_SIZE = 16_384;
/** The largest length the 24-bit field allows; what a passive observer accepts. */
export const PROTOCOL_MAX_FRAME_SIZE = 16_777_215;

/** What one HTTP/2 stream (request, response, trailers) amounted to. */
export interface Http2Transaction {
  protocol: 'http2';
  streamId: number;
  request: {
    /** null when the header block could not be decoded (mid-stream start, lost HPACK state). */
    method: string | null;
    path: string | null;
    /** `:authority`, else the `host` header. */
    authority: string | null;
    scheme: string | null;
    contentType: string | null;
    /** Trace-context headers only (traceparent, b3 …); credentials are never kept. */
    traceHeaders: ReadonlyArray<readonly [string, string]>;
    startNs: bigint;
    endNs: bigint;
    bodyBytes: number;
    /** gRPC length-prefixed messages seen in the body. */
    grpcMessages: number;
    /** False when some fields referred to HPACK state we never saw. */
    headersDecoded: boolean;
    /** Promised by the server (PUSH_PROMISE) rather than sent by the client. */
    pushed: boolean;
  };
  response: {
    status: number | null;
    contentType: string | null;
    startNs: bigint;
    endNs: bigint;
    bodyBytes: number;
    grpcMessages: number;
    /** From trailers, or from the headers of a trailers-only response. */
    grpcStatus: number | null;
    /** Percent-decoded (gRPC spec) `grpc-message`. */
    grpcMessage: string | null;
    headersDecoded: boolean;
  } | null;
  /** RST_STREAM on this stream, or a GOAWAY that abandoned it. */
  reset: { readonly errorCode: number; readonly errorName: string; readonly by: 'client' | 'server'; readonly goaway: boolean } | null;
}
