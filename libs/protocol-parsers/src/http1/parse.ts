import { CR, LF } from '../core/bytes.js';
import { extractTraceContext } from '../trace/index.js';
import { NEED_MORE, frameResult, ignoredResult, invalidResult } from '../core/result.js';
import { scanChunkLine } from './chunked.js';
import { HeadAccumulator, stepHead } from './head.js';
import {
  DEFAULT_HTTP1_LIMITS,
  type BodyFraming, type ConnectionAfter, type Http1ErrorCode, type Http1FinishResult, type Http1Frame, type Http1Head,
  type Http1Limits, type Http1MessageKind, type Http1ParseResult,
} from './types.js';

/** Where a decoder stands in its stream. */
export type Http1Phase =
  | 'head' // expecting (or inside) a start line and header fields
  | 'body' // inside a body, or about to report the end of a message
  | 'upgrade-pending' // a request asked to switch protocols; `resolveUpgrade` says what the server did
  | 'upgraded' // the rest of the stream is another protocol: all of it is ignored
  | 'closed'; // the message said the connection ends here

type BodyMode = 'length' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close' | 'end';

const END_FRAME: Http1Frame = Object.freeze({ type: 'end' });
// Framings without a length are values, shared by every head (the fields are readonly).
const NO_BODY: BodyFraming = Object.freeze({ type: 'none' });
const CHUNKED: BodyFraming = Object.freeze({ type: 'chunked' });
const UNTIL_CLOSE: BodyFraming = Object.freeze({ type: 'until-close' });
/** What almost every head tolerated: nothing. Shared, and frozen so no holder can fill it for the others. */
const NOTHING_TOLERATED: readonly Http1ErrorCode[] = Object.freeze([]);

/** The head's own copy of the rules it broke (the accumulator's list is emptied for the next message). */
function toleratedOf(acc: HeadAccumulator): readonly Http1ErrorCode[] {
  return acc.tolerated.length === 0 ? NOTHING_TOLERATED : [...acc.tolerated];
}

/**
 * Incremental HTTP/1.x decoder for one direction of one connection. Feed it the
 * unconsumed bytes (`input[0]` is the first byte not yet consumed); each call
 * yields one result. After `need-more` the next call must start with the same
 * bytes. Bodies are reported, never copied, so memory stays bounded by the
 * head caps in `Http1Limits`.
 */
export class Http1Decoder {
  phase: Http1Phase = 'head';
  private readonly acc = new HeadAccumulator();
  private readonly trailers = new HeadAccumulator();
  private started = false;
  private mode: BodyMode = 'end';
  private remaining = 0;
  private afterChunkData = false;
  private after: ConnectionAfter = 'keep-alive';

  constructor(readonly kind: Http1MessageKind, private readonly limits: Http1Limits = DEFAULT_HTTP1_LIMITS) {}

  /**
   * One step over `input`. For responses, `requestMethod` is the method of the
   * request being answered (HEAD and CONNECT change how the response is framed).
   */
  parse(input: Uint8Array, requestMethod: string | null = null): Http1ParseResult {
    switch (this.phase) {
      case 'head':
        return this.parseHead(input, requestMethod);
      case 'body':
        return this.parseBody(input);
      case 'upgraded':
        return input.length > 0 ? ignoredResult(input.length) : NEED_MORE;
      case 'upgrade-pending':
        return NEED_MORE;
      case 'closed':
        return this.afterClose(input, requestMethod);
    }
  }

  /**
   * `gap` bytes at the current position were lost (truncated capture). Returns how
   * many of them fall inside a body of known extent and were accounted for; the
   * rest landed in framing the decoder needed, so the caller must resynchronise.
   */
  skip(gap: number): number {
    if (this.phase === 'upgraded') return gap;
    if (this.phase !== 'body') return 0;
    if (this.mode === 'until-close') return gap;
    if (this.mode !== 'length' && this.mode !== 'chunk-data') return 0;
    const absorbed = Math.min(gap, this.remaining);
    this.consumeBody(absorbed);
    return absorbed;
  }

  /** The stream ended; `rest` holds the bytes not consumed yet. */
  finish(rest: Uint8Array): Http1FinishResult {
    const phase = this.phase;
    const mode = this.mode;
    this.phase = 'closed';
    if (phase === 'body') return mode === 'until-close' || mode === 'end' ? 'message-end' : 'truncated';
    if (phase !== 'head') return 'idle';
    for (const c of rest) if (c !== CR && c !== LF) return 'truncated';
    return 'idle';
  }

  /** Tells a request decoder whether the server switched protocols. */
  resolveUpgrade(switched: boolean): void {
    if (this.phase !== 'upgrade-pending') return;
    this.phase = switched ? 'upgraded' : 'head';
    this.started = false;
  }

  /** Forgets everything: the next byte is expected to start a message. */
  reset(): void {
    this.phase = 'head';
    this.acc.reset();
    this.trailers.reset();
    this.started = false;
    this.mode = 'end';
    this.remaining = 0;
    this.afterChunkData = false;
    this.after = 'keep-alive';
  }

  private parseHead(input: Uint8Array, requestMethod: string | null): Http1ParseResult {
    if (!this.started) {
      // Stray CRLFs between messages are tolerated (RFC 9112 §2.2).
      let i = 0;
      while (i < input.length && (input[i] === CR || input[i] === LF)) i++;
      if (i > 0) return ignoredResult(i);
      if (input.length === 0) return NEED_MORE;
      this.started = true;
    }
    const step = stepHead(input, this.acc, this.kind, this.limits);
    if (step.status === 'need-more') return NEED_MORE;
    if (step.status === 'invalid') return invalidResult(step.code, Math.min(step.at + 1, input.length));
    const head = this.kind === 'request' ? this.requestHead(step.end) : this.responseHead(step.end, requestMethod);
    if (typeof head === 'string') return invalidResult(head, step.end);
    this.acc.reset();
    this.started = false;
    this.after = head.after;
    this.phase = 'body';
    this.remaining = 0;
    this.afterChunkData = false;
    const f = head.framing;
    if (f.type === 'content-length') {
      this.mode = 'length';
      this.remaining = f.length;
    } else {
      this.mode = f.type === 'chunked' ? 'chunk-size' : f.type === 'until-close' ? 'until-close' : 'end';
    }
    return frameResult({ type: 'head', head }, step.end);
  }

  private requestHead(headBytes: number): Http1Head | 'invalid-transfer-encoding' {
    const a = this.acc;
    // RFC 9112 §6.3: a request whose final coding is not chunked cannot be framed. The observer guesses:
    // chunked if it was named at all (what tshark does), else no body.
    const chunked = a.chunked && !a.chunkedNotLast;
    if (a.transferEncoding && !chunked) {
      if (this.limits.lenient !== true) return 'invalid-transfer-encoding';
      a.tolerate('invalid-transfer-encoding');
    }
    const connect = a.method === 'CONNECT';
    let framing: BodyFraming = NO_BODY;
    // CONNECT's head ends the message: what follows belongs to the tunnel.
    if (connect) framing = NO_BODY;
    else if (a.transferEncoding) framing = chunked || a.sawChunked ? CHUNKED : NO_BODY;
    else if (a.contentLength !== null && a.contentLength > 0) framing = { type: 'content-length', length: a.contentLength };
    const upgrade = connect || (a.upgrade !== null && a.connectionUpgrade);
    const after = upgrade ? 'upgrade-pending' : this.keepAliveOrClose();
    // One literal (no spread of a common part): a head is built per message. Same fields, same order.
    return {
      kind: 'request', method: a.method, target: a.target, declaredVersion: a.declaredVersion, host: a.host, expectContinue: a.expectContinue,
      trace: a.trace.length === 0 ? null : extractTraceContext(a.trace),
      version: a.version, contentLength: a.contentLength, chunked: a.chunked,
      connectionClose: a.connectionClose, connectionKeepAlive: a.connectionKeepAlive, connectionUpgrade: a.connectionUpgrade,
      upgrade: a.upgrade, headerCount: a.headerCount, headBytes, framing, after, tolerated: toleratedOf(a),
    };
  }

  private responseHead(headBytes: number, requestMethod: string | null): Http1Head {
    const a = this.acc;
    const s = a.status;
    let framing: BodyFraming;
    let after: ConnectionAfter | null = null;
    if (s === 101 || (requestMethod === 'CONNECT' && s >= 200 && s < 300)) {
      framing = NO_BODY;
      after = 'upgraded';
    } else if (s < 200 || s === 204 || s === 304 || requestMethod === 'HEAD') {
      framing = NO_BODY;
      if (s < 200) after = 'keep-alive'; // an interim response never ends the connection
    } else if (a.transferEncoding) {
      framing = a.chunked && !a.chunkedNotLast ? CHUNKED : UNTIL_CLOSE;
    } else if (a.contentLength !== null) {
      framing = a.contentLength > 0 ? { type: 'content-length', length: a.contentLength } : NO_BODY;
    } else {
      framing = UNTIL_CLOSE;
    }
    if (after === null) after = framing.type === 'until-close' ? 'close' : this.keepAliveOrClose();
    return {
      kind: 'response', status: s, reason: a.reason,
      version: a.version, contentLength: a.contentLength, chunked: a.chunked,
      connectionClose: a.connectionClose, connectionKeepAlive: a.connectionKeepAlive, connectionUpgrade: a.connectionUpgrade,
      upgrade: a.upgrade, headerCount: a.headerCount, headBytes, framing, after, tolerated: toleratedOf(a),
    };
  }

  private keepAliveOrClose(): ConnectionAfter {
    const a = this.acc;
    const keepAlive = a.version === '1.1' ? !a.connectionClose : a.connectionKeepAlive && !a.connectionClose;
    return keepAlive ? 'keep-alive' : 'close';
  }

  private parseBody(input: Uint8Array): Http1ParseResult {
    switch (this.mode) {
      case 'length':
      case 'chunk-data': {
        if (input.length === 0) return NEED_MORE;
        const n = Math.min(input.length, this.remaining);
        this.consumeBody(n);
        return frameResult({ type: 'body', length: n }, n);
      }
      case 'until-close':
        return input.length > 0 ? frameResult({ type: 'body', length: input.length }, input.length) : NEED_MORE;
      case 'chunk-size':
        return this.parseChunkLine(input);
      case 'trailers': {
        const step = stepHead(input, this.trailers, null, this.limits);
        if (step.status === 'need-more') return NEED_MORE;
        if (step.status === 'invalid') return invalidResult(step.code, Math.min(step.at + 1, input.length));
        return this.endMessage(step.end);
      }
      case 'end':
        return this.endMessage(0);
    }
  }

  private consumeBody(n: number): void {
    this.remaining -= n;
    if (this.remaining > 0) return;
    if (this.mode === 'chunk-data') {
      this.mode = 'chunk-size';
      this.afterChunkData = true;
    } else {
      this.mode = 'end';
    }
  }

  private parseChunkLine(input: Uint8Array): Http1ParseResult {
    let p = 0;
    if (this.afterChunkData) {
      if (input.length === 0) return NEED_MORE;
      if (input[0] !== CR) return invalidResult('missing-chunk-crlf', 1);
      if (input.length === 1) return NEED_MORE;
      if (input[1] !== LF) return invalidResult('missing-chunk-crlf', 2);
      p = 2;
    }
    const line = scanChunkLine(input, p, this.limits.maxChunkLineBytes);
    if (line === 'incomplete') return NEED_MORE;
    if (typeof line === 'string') return invalidResult(line, input.length);
    this.afterChunkData = false;
    if (line.size === 0) {
      this.mode = 'trailers';
      this.trailers.reset();
    } else {
      this.mode = 'chunk-data';
      this.remaining = line.size;
    }
    return frameResult({ type: 'chunk', size: line.size }, line.end);
  }

  private endMessage(consumed: number): Http1ParseResult {
    this.mode = 'end';
    this.phase = this.after === 'keep-alive' ? 'head' : this.after === 'close' ? 'closed' : this.after;
    return frameResult(END_FRAME, consumed);
  }

  private afterClose(input: Uint8Array, requestMethod: string | null): Http1ParseResult {
    let i = 0;
    while (i < input.length && (input[i] === CR || input[i] === LF)) i++;
    if (i === input.length) return i > 0 ? ignoredResult(i) : NEED_MORE;
    if (this.limits.lenient !== true) return invalidResult('data-after-close', i + 1);
    if (i > 0) return ignoredResult(i);
    // A peer that said it would close sent another message anyway (an HTTP/1.0 client reusing the
    // connection): the observer reads it, as the server evidently did.
    this.phase = 'head';
    this.acc.tolerate('data-after-close');
    return this.parseHead(input, requestMethod);
  }
}

export function createHttp1Decoder(kind: Http1MessageKind, limits: Http1Limits = DEFAULT_HTTP1_LIMITS): Http1Decoder {
  return new Http1Decoder(kind, limits);
}
