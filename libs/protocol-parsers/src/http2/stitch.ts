import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { countCaptureGap } from '../core/stream.js';
import { TRACE_HEADER_NAMES } from '../trace/index.js';
import type { ConnectionStitcher, StitcherOptions, StitcherStats } from '../transaction.js';
import { type DirectionEvents, Http2Direction } from './direction.js';
import { GrpcMessageCounter, decodeGrpcMessage } from './grpc.js';
import { type Http2Frame, type Http2Transaction, SETTING, h2ErrorName } from './types.js';

const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
/** Open streams tracked; beyond this the oldest is handed out as it stands. */
const MAX_OPEN_STREAMS = 1024;
const MAX_COMPLETED = 4096;

/** How the connection began, when the caller knows (the HTTP/1 stitcher after a switch). */
export interface Http2Start {
  /** h2c: the HTTP/1.1 request that asked for the upgrade is stream 1 (RFC 7540 §3.2). */
  upgradeRequest?: { method: string; path: string; host: string | null; startNs: bigint; endNs: bigint };
  /** CONNECT tunnel: HTTP/2 only if the client's first tunnelled bytes are the preface. */
  tunnel?: boolean;
}

type Request = Http2Transaction['request'];
type Response = NonNullable<Http2Transaction['response']>;

interface StreamState {
  id: number;
  request: Request | null;
  response: Response | null;
  requestEnded: boolean;
  responseEnded: boolean;
  reset: Http2Transaction['reset'];
  /** Cancelled by the client while the server's answer may still be in flight. */
  lingering: boolean;
  requestGrpc: GrpcMessageCounter;
  responseGrpc: GrpcMessageCounter;
}

interface Counters {
  transactions: number; invalid: Record<string, number>; bytesSkipped: number; truncatedGaps: number; upgraded: number;
  desyncs: number; orphanResponses: number; unansweredRequests: number; droppedTransactions: number;
}

/** Decoded fields of one header block that observability keeps. */
interface Fields {
  method: string | null; path: string | null; authority: string | null; host: string | null; scheme: string | null;
  status: string | null; contentType: string | null; grpcStatus: string | null; grpcMessage: string | null;
  trace: Array<readonly [string, string]>;
  unknown: number;
}

/**
 * Turns both directions of an HTTP/2 connection into one transaction per stream
 * (request headers, body bytes, response headers, trailers), surviving mid-stream
 * starts: frames resynchronise on a validated frame boundary and header fields
 * that depend on unseen HPACK state are reported unknown, never guessed.
 */
export class Http2Stitcher implements ConnectionStitcher {
  private readonly maxBuffered: number;
  private req: Http2Direction;
  private res: Http2Direction;
  private streams = new Map<number, StreamState>();
  private done: Http2Transaction[] = [];
  /** CONNECT tunnel whose client has not yet shown the preface: response bytes wait. */
  private awaitingPreface: StreamChunk[] | null = null;
  private inert = false;
  /** Highest stream id opened, per parity (odd: client, even: pushed): lower ids not open are closed. */
  private highestOdd = 0;
  private highestEven = 0;
  private readonly counters: Counters = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0,
    desyncs: 0, orphanResponses: 0, unansweredRequests: 0, droppedTransactions: 0,
  };
  private readonly events: DirectionEvents = {
    headerBlock: (dir, id, block, endStream, promised, startNs, endNs) => this.onHeaderBlock(dir, id, block, endStream, promised, startNs, endNs),
    data: (dir, id, bytes, length, frameEnd, endStream, ts) => this.onData(dir, id, bytes, length, frameEnd, endStream, ts),
    control: (dir, frame, ts) => this.onControl(dir, frame, ts),
    invalid: (_dir, code, skipped) => {
      this.count(code);
      this.counters.desyncs++;
      this.counters.bytesSkipped += skipped;
    },
  };

  constructor(opts: StitcherOptions = {}, start: Http2Start = {}) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    const upgraded = start.upgradeRequest !== undefined;
    this.req = new Http2Direction('request', this.events, { maxBufferedBytes: this.maxBuffered, expectPreface: true, hpackSynced: true });
    this.res = new Http2Direction('response', this.events, { maxBufferedBytes: this.maxBuffered, expectPreface: false, hpackSynced: upgraded });
    if (start.tunnel === true) this.awaitingPreface = [];
    const up = start.upgradeRequest;
    if (up !== undefined) {
      const s = this.open(1);
      s.request = emptyRequest(up.startNs);
      Object.assign(s.request, { method: up.method, path: up.path, authority: up.host, endNs: up.endNs });
      s.requestEnded = true;
    }
  }

  get stats(): StitcherStats {
    return { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: this.req.buffer.length + this.res.buffer.length };
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const data = chunk.data;
    const gap = countCaptureGap(chunk, this.counters);
        if (this.inert) {
      this.counters.bytesSkipped += data.length;
      return;
    }
    if (this.awaitingPreface !== null && !this.tunnelDecided(direction, chunk)) return;
    const side = direction === 'request' ? this.req : this.res;
    this.counters.bytesSkipped += side.push(chunk);
    if (gap > 0 && side.state === 'frames' && !side.gap(gap)) {
      this.count('gap-in-framing');
      this.counters.desyncs++;
      this.counters.bytesSkipped += side.desync();
    }
  }

  take(): Http2Transaction[] {
    const out = this.done;
    this.done = [];
    // Streams complete out of order; hand them out in request order.
    return out.length > 1 ? out.sort((a, b) => (a.request.startNs < b.request.startNs ? -1 : a.request.startNs > b.request.startNs ? 1 : a.streamId - b.streamId)) : out;
  }

  flush(): Http2Transaction[] {
    for (const s of [...this.streams.values()]) this.emit(s);
    return this.take();
  }

  /** CONNECT tunnel: holds response bytes until the client's first bytes say HTTP/2 or not. */
  private tunnelDecided(direction: StreamDirection, chunk: StreamChunk): boolean {
    const held = this.awaitingPreface ?? [];
    if (direction === 'response') {
      held.push({ ...chunk, data: new Uint8Array(chunk.data) }); // a copy: a Buffer's slice() would share
      if (held.reduce((n, c) => n + c.data.length, 0) > this.maxBuffered) this.goInert(held);
      return false;
    }
    if (chunk.data.length === 0) return false;
    const preface = 'PRI * HTTP/2.0';
    for (let i = 0; i < Math.min(preface.length, chunk.data.length); i++) {
      if (chunk.data[i] !== preface.charCodeAt(i)) {
        this.goInert(held);
        this.counters.bytesSkipped += chunk.data.length;
        return false;
      }
    }
    this.awaitingPreface = null;
    for (const c of held) this.push('response', c);
    return true;
  }

  private goInert(held: StreamChunk[]): void {
    this.inert = true;
    this.awaitingPreface = null;
    this.counters.bytesSkipped += held.reduce((n, c) => n + c.data.length, 0);
  }

  private onHeaderBlock(dir: Http2Direction, id: number, block: Uint8Array | null, endStream: boolean, promised: number, startNs: bigint, endNs: bigint): void {
    const f = this.decodeBlock(dir, block);
    if (promised !== 0) {
      // PUSH_PROMISE (server → client) carries the request of the promised stream.
      const s = this.open(promised);
      s.request = requestOf(f, startNs, endNs);
      s.request.pushed = true;
      s.requestEnded = true;
      return;
    }
    const known = this.streams.get(id);
    if (known === undefined && this.isClosed(id)) {
      // Late frames of a stream already handed out (after RST_STREAM, say): nothing to add.
      this.count('frame-on-closed-stream');
      return;
    }
    if (dir.role === 'request') {
      let s = known;
      if (s === undefined || s.request === null) {
        s ??= this.open(id);
        s.request = requestOf(f, startNs, endNs);
      } else {
        s.request.endNs = endNs; // request trailers
      }
      if (endStream) this.endRequest(s, endNs);
      return;
    }
    this.settleLingering(id);
    let s = known;
    if (s === undefined) {
      s = this.open(id);
      this.counters.orphanResponses++;
    }
    const r = s.response;
    if (r === null || (r.status !== null && r.status < 200 && f.status !== null)) {
      // Response headers (or the final response after a 1xx).
      s.response = responseOf(f, r?.startNs ?? startNs, endNs);
    } else {
      // Trailers.
      r.endNs = endNs;
      if (f.unknown > 0 && f.grpcStatus === null) r.headersDecoded = false;
    }
    const resp = s.response;
    if (resp !== null) {
      if (f.grpcStatus !== null) resp.grpcStatus = toInt(f.grpcStatus);
      if (f.grpcMessage !== null) resp.grpcMessage = decodeGrpcMessage(f.grpcMessage);
    }
    if (endStream) this.endResponse(s, endNs);
  }

  private decodeBlock(dir: Http2Direction, block: Uint8Array | null): Fields {
    const f: Fields = {
      method: null, path: null, authority: null, host: null, scheme: null, status: null, contentType: null,
      grpcStatus: null, grpcMessage: null, trace: [], unknown: 0,
    };
    if (block === null) {
      f.unknown = 1;
      this.count('header-block-lost');
      return f;
    }
    const err = dir.hpack.decode(block, (name, value) => {
      if (name === null || value === null) return;
      switch (name) {
        case ':method': f.method = value; break;
        case ':path': f.path = value; break;
        case ':authority': f.authority = value; break;
        case 'host': f.host = value; break;
        case ':scheme': f.scheme = value; break;
        case ':status': f.status = value; break;
        case 'content-type': f.contentType = value; break;
        case 'grpc-status': f.grpcStatus = value; break;
        case 'grpc-message': f.grpcMessage = value; break;
        // Request headers kept for trace context only; nothing else (never credentials) is stored.
        default: if (TRACE_HEADER_NAMES.has(name)) f.trace.push([name, value]);
      }
    });
    f.unknown = dir.hpack.lastUnknown;
    if (err !== null) {
      this.count(err);
      f.unknown++;
      dir.loseHpackState();
    }
    if (dir.hpack.lastOverflow) this.count('header-list-too-large');
    if (f.unknown > 0) this.count('hpack-unknown-fields');
    return f;
  }

  private onData(dir: Http2Direction, id: number, bytes: Uint8Array | null, length: number, frameEnd: boolean, endStream: boolean, ts: bigint): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    if (dir.role === 'request') {
      if (s.request !== null) {
        s.request.bodyBytes += length;
        s.request.endNs = ts;
        if (length > 0) s.requestGrpc.feed(bytes, length);
        s.request.grpcMessages = s.requestGrpc.messages;
      }
      if (frameEnd && endStream) this.endRequest(s, ts);
    } else {
      if (s.response !== null) {
        s.response.bodyBytes += length;
        s.response.endNs = ts;
        if (length > 0) s.responseGrpc.feed(bytes, length);
        s.response.grpcMessages = s.responseGrpc.messages;
      }
      if (frameEnd && endStream) this.endResponse(s, ts);
    }
  }

  private onControl(dir: Http2Direction, frame: Http2Frame, _ts: bigint): void {
    if (frame.type === 'settings') {
      // The table size an endpoint announces bounds what its peer's encoder may use.
      const other = dir === this.req ? this.res : this.req;
      for (const [id, value] of frame.settings) if (id === SETTING.HEADER_TABLE_SIZE) other.setTableSizeLimit(Math.max(value, 4096));
    } else if (frame.type === 'rst-stream') {
      const s = this.streams.get(frame.streamId);
      if (s === undefined) return;
      s.reset = { errorCode: frame.errorCode, errorName: h2ErrorName(frame.errorCode), by: dir.role === 'request' ? 'client' : 'server', goaway: false };
      if (dir.role === 'request' && !s.responseEnded) {
        // The response may already be on its way (Wireshark reads it too): wait for it
        // until the server answers a later stream, ends this one, or the connection closes.
        s.requestEnded = true;
        s.lingering = true;
      } else {
        this.emit(s);
      }
    } else if (frame.type === 'goaway') {
      // Streams the sender never processed (initiated by the receiver, above last-stream-id).
      const receiverOdd = dir.role === 'response';
      for (const s of [...this.streams.values()]) {
        if (s.id > frame.lastStreamId && (s.id % 2 === 1) === receiverOdd) {
          s.reset = { errorCode: frame.errorCode, errorName: h2ErrorName(frame.errorCode), by: dir.role === 'request' ? 'client' : 'server', goaway: true };
          this.emit(s);
        }
      }
    }
  }

  private open(id: number): StreamState {
    const s: StreamState = {
      id, request: null, response: null, requestEnded: false, responseEnded: false, reset: null, lingering: false,
      requestGrpc: new GrpcMessageCounter(), responseGrpc: new GrpcMessageCounter(),
    };
    this.streams.set(id, s);
    if (id % 2 === 1) this.highestOdd = Math.max(this.highestOdd, id);
    else this.highestEven = Math.max(this.highestEven, id);
    if (this.streams.size > MAX_OPEN_STREAMS) {
      const oldest = this.streams.values().next().value;
      if (oldest !== undefined) this.emit(oldest);
    }
    return s;
  }

  /** The server answers a later stream: cancelled earlier streams it has not answered never will be. */
  private settleLingering(answeredId: number): void {
    for (const s of [...this.streams.values()]) if (s.lingering && s.id < answeredId && s.response === null) this.emit(s);
  }

  private isClosed(id: number): boolean {
    return id <= (id % 2 === 1 ? this.highestOdd : this.highestEven);
  }

  private endRequest(s: StreamState, ts: bigint): void {
    s.requestEnded = true;
    if (s.request !== null) s.request.endNs = ts;
    if (s.responseEnded) this.emit(s);
  }

  private endResponse(s: StreamState, ts: bigint): void {
    s.responseEnded = true;
    if (s.response !== null) s.response.endNs = ts;
    if (s.requestEnded || s.request === null) this.emit(s);
  }

  private emit(s: StreamState): void {
    if (this.streams.get(s.id) !== s) return;
    this.streams.delete(s.id);
    const request = s.request ?? emptyRequest(s.response?.startNs ?? 0n);
    if (s.response === null) this.counters.unansweredRequests++;
    this.counters.transactions++;
    this.done.push({ protocol: 'http2', streamId: s.id, request, response: s.response, reset: s.reset });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }

  private count(code: string): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }
}

function emptyRequest(startNs: bigint): Request {
  return {
    method: null, path: null, authority: null, scheme: null, contentType: null, traceHeaders: [], startNs, endNs: startNs,
    bodyBytes: 0, grpcMessages: 0, headersDecoded: false, pushed: false,
  };
}

function requestOf(f: Fields, startNs: bigint, endNs: bigint): Request {
  return {
    method: f.method, path: f.path, authority: f.authority ?? f.host, scheme: f.scheme, contentType: f.contentType,
    traceHeaders: f.trace, startNs, endNs, bodyBytes: 0, grpcMessages: 0, headersDecoded: f.unknown === 0, pushed: false,
  };
}

function responseOf(f: Fields, startNs: bigint, endNs: bigint): Response {
  return {
    status: f.status === null ? null : toInt(f.status), contentType: f.contentType, startNs, endNs, bodyBytes: 0, grpcMessages: 0,
    grpcStatus: null, grpcMessage: null, headersDecoded: f.unknown === 0,
  };
}

function toInt(s: string): number | null {
  const n = Number(s);
  return Number.isInteger(n) && s.length > 0 ? n : null;
}
