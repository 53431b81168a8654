import type { ParseResult } from '../core/result.js';
import type { TraceContext } from '../trace/index.js';

export type Http1MessageKind = 'request' | 'response';
export type Http1Version = '1.0' | '1.1';

/** Why bytes are not HTTP/1.x as RFC 9112 reads it (strict, like llhttp's default mode). */
export type Http1ErrorCode =
  | 'invalid-method'
  | 'invalid-target'
  | 'invalid-version'
  | 'unsupported-version' // well-formed but not 1.0/1.1 (HTTP/0.9, HTTP/2.0 …)
  | 'unsupported-protocol' // RTSP/ICE start lines, which share HTTP's syntax
  | 'http2-preface'
  | 'invalid-status'
  | 'invalid-header-name'
  | 'invalid-header-value'
  | 'obs-fold' // a line starting with whitespace (obsolete line folding)
  | 'bare-cr'
  | 'bare-lf'
  | 'head-too-large'
  | 'too-many-headers'
  | 'invalid-content-length'
  | 'duplicate-content-length'
  | 'content-length-with-transfer-encoding'
  | 'invalid-transfer-encoding'
  | 'invalid-chunk-size'
  | 'invalid-chunk-extension'
  | 'chunk-line-too-long'
  | 'missing-chunk-crlf'
  | 'data-after-close';

/** How the body of a message is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly type: 'none' }
  | { readonly type: 'content-length'; readonly length: number }
  | { readonly type: 'chunked' }
  | { readonly type: 'until-close' };

/** What happens to the connection after this message. */
export type ConnectionAfter =
  | 'keep-alive'
  | 'close'
  | 'upgrade-pending' // request asked to switch (Upgrade, CONNECT); the response decides
  | 'upgraded'; // response switched protocols (101, 2xx to CONNECT): the rest is not HTTP/1

interface HeadCommon {
  readonly version: Http1Version;
  readonly contentLength: number | null;
  readonly chunked: boolean;
  /** `Connection` / `Proxy-Connection` tokens that matter for framing. */
  readonly connectionClose: boolean;
  readonly connectionKeepAlive: boolean;
  readonly connectionUpgrade: boolean;
  /** Value of the `Upgrade` header, or null. */
  readonly upgrade: string | null;
  readonly headerCount: number;
  /** Bytes of the head including the empty line that ends it. */
  readonly headBytes: number;
  readonly framing: BodyFraming;
  readonly after: ConnectionAfter;
  /**
   * Rules this head broke that the lenient (observer) decoder let pass, each once, in the order met;
   * always empty in strict mode. Framing was then chosen as RFC 9112 tells a recipient (see `lenient`).
   */
  readonly tolerated: readonly Http1ErrorCode[];
}

export interface RequestHead extends HeadCommon {
  readonly kind: 'request';
  readonly method: string;
  /** The request-target exactly as sent (origin-form path and query, absolute-form, authority-form or `*`). */
  readonly target: string;
  /**
   * The version the request line declared; null when the lenient decoder read a line without a valid
   * one (`GET /`, `GET / HTTP/1.`, spaces in the target). `version` is then '1.0', the framing that
   * assumes least (no implicit keep-alive).
   */
  readonly declaredVersion: Http1Version | null;
  readonly host: string | null;
  readonly expectContinue: boolean;
  /** Trace context from traceparent/b3/uber-trace-id/sw8 headers, or null. */
  readonly trace: TraceContext | null;
}

export interface ResponseHead extends HeadCommon {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type Http1Head = RequestHead | ResponseHead;

export type Http1Frame =
  | { readonly type: 'head'; readonly head: Http1Head }
  /** `length` body bytes (after de-chunking) sit at the start of the consumed bytes. */
  | { readonly type: 'body'; readonly length: number }
  /** A chunk-size line (with the CRLF that ended the previous chunk). */
  | { readonly type: 'chunk'; readonly size: number }
  /** The message is complete; `consumed` covers the last chunk and trailers, if any. */
  | { readonly type: 'end' };

export type Http1ParseResult = ParseResult<Http1Frame, Http1ErrorCode>;

/** Caps that bound the memory a hostile or broken stream can make us hold. */
export interface Http1Limits {
  /** Start line plus header fields plus the empty line (also caps a trailer section). */
  readonly maxHeadBytes: number;
  readonly maxHeaderCount: number;
  /** A chunk-size line including extensions. */
  readonly maxChunkLineBytes: number;
  /**
   * Accept a bare LF as a line end in heads (RFC 9112 §2.2 lets a recipient do so). Off for the strict,
   * llhttp-compatible decoder; on in the stitcher, which observes real peers (and tshark reads such heads).
   */
  readonly acceptBareLf?: boolean;
  /**
   * Observer mode: read what real peers send and the server answered, recording each broken rule in
   * `tolerated` instead of failing. Request lines: a known method followed by a target up to the next
   * space, the version optional (tshark's reading). Heads: a bare CR counts as SP (RFC 9112 §2.2), obs-fold
   * continues the previous field (§5.2), a line that is not a field is skipped. Framing (§6.3, RFC 9110
   * §8.6): Transfer-Encoding overrides Content-Length, identical duplicate lengths are one, differing ones
   * take the last (as tshark), an unreadable length is ignored, a request coded chunked anywhere is chunked.
   * Bytes after a message that closed the connection start a new message. Off for the strict decoder.
   */
  readonly lenient?: boolean;
}

export const DEFAULT_HTTP1_LIMITS: Http1Limits = Object.freeze({
  maxHeadBytes: 16 * 1024,
  maxHeaderCount: 256,
  maxChunkLineBytes: 4 * 1024,
});

/** What the end of the stream means for the message in progress. */
export type Http1FinishResult =
  | 'idle' // nothing in progress
  | 'message-end' // a body delimited by the close is now complete
  | 'truncated'; // the stream ended inside a message
