import { pickInOrderTarget } from '../core/pairing.js';
import { StreamBuffer } from '../core/stream-buffer.js';
import type { TraceContext } from '../trace/index.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { countCaptureGap } from '../core/stream.js';
import type {
  ConnectionStitcher, Http1Transaction, StitchInvalidCode, StitcherOptions, StitcherStats, Transaction,
} from '../transaction.js';
import { Http2Stitcher } from '../http2/stitch.js';
import { inferHttp1 } from './infer.js';
import { Http1Decoder } from './parse.js';
import { DEFAULT_HTTP1_LIMITS, type Http1Frame, type Http1Limits, type Http1Version } from './types.js';

const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
/**
 * The stitcher watches real peers: it reads what servers answered and tshark reads (bare-LF line ends,
 * lenient request lines, heads and framing), counting each broken rule in `stats.invalid`.
 */
const OBSERVER_LIMITS: Http1Limits = { ...DEFAULT_HTTP1_LIMITS, acceptBareLf: true, lenient: true };
/** Interim responses kept per request; a server sending more is abusing 1xx. */
const MAX_INTERIM = 8;
/** Requests waiting for a response; beyond this the oldest is handed out unanswered. */
const MAX_PENDING_REQUESTS = 256;
/** Completed transactions waiting for `take()`; beyond this the oldest is dropped. */
const MAX_COMPLETED = 4096;

interface PendingRequest {
  method: string;
  path: string;
  host: string | null;
  startNs: bigint;
  endNs: bigint;
  bodyBytes: number;
  trace: TraceContext | null;
  version: Http1Version | null;
  interim: InterimResponse[];
}

type InterimResponse = Http1Transaction['interim'][number];

interface ResponseProgress {
  status: number;
  version: Http1Version;
  startNs: bigint;
  endNs: bigint;
  bodyBytes: number;
  /** 1xx other than 101: does not complete the transaction; `target` is then the request it is attributed to. */
  interim: boolean;
  /** `Upgrade` header of the response (a 101 names the protocol switched to). */
  upgrade: string | null;
  target: PendingRequest | null;
}

interface Side {
  readonly direction: StreamDirection;
  readonly decoder: Http1Decoder;
  readonly buffer: StreamBuffer;
  /** `seeking`: out of sync (or not yet in sync), waiting for a chunk that starts a message. */
  sync: 'seeking' | 'in-sync';
  /** Capture time of the chunk being pushed, for bytes the buffer has no record of. */
  nowNs: bigint;
  /** No bytes seen yet in this direction. */
  fresh: boolean;
}

type MutableStats = { -readonly [K in Exclude<keyof StitcherStats, 'bufferedBytes'>]: StitcherStats[K] } & {
  invalid: Partial<Record<StitchInvalidCode, number>>;
};

/**
 * Pairs HTTP/1.x requests and responses of one connection in order (keep-alive
 * and pipelining), surviving truncated captures and mid-stream starts by
 * resynchronising on chunks that start a message.
 */
export class Http1Stitcher implements ConnectionStitcher {
  private readonly maxBuffered: number;
  private req: Side = newSide('request');
  private res: Side = newSide('response');
  private queue: PendingRequest[] = [];
  private done: Http1Transaction[] = [];
  private currentRequest: PendingRequest | null = null;
  private currentResponse: ResponseProgress | null = null;
  private responseLostSync = false;
  private upgraded = false;
  /** After a switch to HTTP/2 (h2c 101, CONNECT tunnel), the connection's remaining bytes go here. */
  private tunnel: Http2Stitcher | null = null;
  private readonly counters: MutableStats = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0,
    desyncs: 0, orphanResponses: 0, unansweredRequests: 0, droppedTransactions: 0,
  };

  constructor(opts: StitcherOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  get stats(): StitcherStats {
    const own = { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: this.req.buffer.length + this.res.buffer.length };
    return this.tunnel === null ? own : mergeStats(own, this.tunnel.stats);
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const data = chunk.data;
    const gap = countCaptureGap(chunk, this.counters);
    if (this.tunnel !== null) {
      this.tunnel.push(direction, chunk);
      return;
    }
    if (this.upgraded) return;
    const side = direction === 'request' ? this.req : this.res;
    side.nowNs = chunk.tsNs;
    if (side.sync === 'seeking') {
      const fresh = side.fresh;
      if (data.length > 0) side.fresh = false;
      if (data.length === 0 || (inferHttp1(data) !== direction && !(fresh && this.startsHead(side, data)))) {
        this.counters.bytesSkipped += data.length;
        // Dropped response bytes may have held answers to pending requests.
        if (side === this.res && data.length > 0) this.responseLostSync = true;
        return;
      }
      side.sync = 'in-sync';
      side.decoder.reset();
    }
    side.buffer.append(data, chunk.tsNs);
    this.drain(side);
    if (gap > 0 && side.sync === 'in-sync' && !this.upgraded) this.applyGap(side, gap);
    side.buffer.detach();
  }

  take(): Transaction[] {
    const out: Transaction[] = this.done;
    this.done = [];
    return this.tunnel === null ? out : [...out, ...this.tunnel.take()];
  }

  flush(): Transaction[] {
    const tunnelled = this.tunnel?.flush() ?? [];
    this.tunnel = null;
    if (!this.upgraded) {
      for (const side of [this.req, this.res]) {
        if (side.sync !== 'in-sync') continue;
        const outcome = side.decoder.finish(side.buffer.view());
        if (outcome === 'message-end') this.onFrame(side, { type: 'end' }, 0);
        else if (outcome === 'truncated') this.count('truncated-at-close');
        // A response cut short still answered its request: its status was read.
        const cut = this.currentResponse;
        if (side === this.res && outcome === 'truncated' && cut !== null && !cut.interim) this.answer(cut);
      }
    }
    while (this.queue.length > 0) this.emitUnanswered();
    const out = [...this.take(), ...tunnelled];
    this.req = newSide('request');
    this.res = newSide('response');
    this.currentRequest = null;
    this.currentResponse = null;
    this.responseLostSync = false;
    this.upgraded = false;
    return out;
  }

  /**
   * The first bytes of a connection may be too few to show a whole start line
   * (a client writing `GET` alone). Accept them when they are a valid beginning
   * of a head that has no line ending yet; the decoder rejects them later if not.
   */
  private startsHead(side: Side, data: Uint8Array): boolean {
    side.decoder.reset();
    const verdict = side.decoder.parse(data).kind;
    side.decoder.reset();
    // A whole head the lenient reader accepts (`GET /`, `OPTIONS`) also starts the stream.
    return verdict === 'need-more' || verdict === 'frame';
  }

  private drain(side: Side): void {
    while (side.sync === 'in-sync' && !this.upgraded) {
      const view = side.buffer.view();
      const r = side.decoder.parse(view, this.answeredMethod(side, view.length));
      if (r.kind === 'need-more') {
        if (side.buffer.length > this.maxBuffered) this.desync(side, 'buffer-overflow');
        return;
      }
      if (r.kind === 'invalid') {
        this.desync(side, r.code);
        return;
      }
      if (r.kind === 'frame') this.onFrame(side, r.frame, r.consumed);
      side.buffer.consume(r.consumed);
      if (this.tunnel !== null) this.handOver();
    }
  }

  /**
   * The method of the request a response about to be read answers (HEAD and CONNECT frame it
   * differently). The decoder reads it only when a response head may complete: in the head phase (or
   * after a close) with bytes pending; every other step skips the search.
   */
  private answeredMethod(side: Side, pending: number): string | null {
    if (side !== this.res || this.currentResponse !== null || pending === 0) return null;
    const phase = side.decoder.phase;
    if (phase !== 'head' && phase !== 'closed') return null;
    return pickInOrderTarget(this.queue, this.responseLostSync, side.buffer.tsAt(0, side.nowNs)).target?.method ?? null;
  }

  /**
   * Which HTTP/2 stitcher takes the connection after a switch: a 101 to
   * `Upgrade: h2c` (the upgrade request becomes stream 1), or a 2xx to CONNECT
   * (HTTP/2 only if the client's tunnelled bytes start with the preface). Null
   * for every other protocol (websocket, TLS …): those bytes are ignored.
   */
  private http2After(resp: ResponseProgress): Http2Stitcher | null {
    const opts = { maxBufferedBytes: this.maxBuffered };
    const target = resp.target;
    if (resp.status === 101 && resp.upgrade !== null && resp.upgrade.trim().toLowerCase() === 'h2c') {
      const up = target === null ? undefined : { method: target.method, path: target.path, host: target.host, startNs: target.startNs, endNs: target.endNs };
      return new Http2Stitcher(opts, up === undefined ? {} : { upgradeRequest: up });
    }
    if (target?.method === 'CONNECT' && resp.status >= 200 && resp.status < 300) return new Http2Stitcher(opts, { tunnel: true });
    return null;
  }

  /** Bytes already buffered past the switch belong to the tunnel: request side first (it holds the preface). */
  private handOver(): void {
    const tunnel = this.tunnel;
    if (tunnel === null) return;
    for (const side of [this.req, this.res]) {
      const rest = side.buffer.view();
      if (rest.length > 0) tunnel.push(side.direction, { data: rest.slice(), size: rest.length, tsNs: side.buffer.tsAt(0, side.nowNs) });
      side.buffer.clear();
    }
  }

  /** Accounts one frame; `consumed` bytes sit at the start of the side's buffer. */
  private onFrame(side: Side, frame: Http1Frame, consumed: number): void {
    const first = side.buffer.tsAt(0, side.nowNs);
    const last = consumed > 0 ? side.buffer.tsAt(consumed - 1, side.nowNs) : null;
    if (frame.type === 'head') for (const code of frame.head.tolerated) this.count(code);
    if (side === this.req) this.onRequestFrame(frame, first, last);
    else this.onResponseFrame(frame, first, last);
  }

  private onRequestFrame(frame: Http1Frame, first: bigint, last: bigint | null): void {
    if (frame.type === 'head') {
      const h = frame.head;
      if (h.kind !== 'request') return;
      const req: PendingRequest = {
        method: h.method, path: h.target, host: h.host, version: h.declaredVersion, startNs: first, endNs: last ?? first, bodyBytes: 0,
        trace: h.trace, interim: [],
      };
      this.queue.push(req);
      if (this.queue.length > MAX_PENDING_REQUESTS) this.emitUnanswered();
      this.currentRequest = req;
      return;
    }
    const req = this.currentRequest;
    if (req === null) return;
    if (last !== null) req.endNs = last;
    if (frame.type === 'body') req.bodyBytes += frame.length;
    if (frame.type === 'end') this.currentRequest = null;
  }

  private onResponseFrame(frame: Http1Frame, first: bigint, last: bigint | null): void {
    if (frame.type === 'head') {
      const h = frame.head;
      if (h.kind !== 'response') return;
      const interim = h.status < 200 && h.status !== 101;
      const target = interim ? pickInOrderTarget(this.queue, this.responseLostSync, first).target : this.claimTarget(first);
      this.currentResponse = {
        status: h.status, version: h.version, startNs: first, endNs: last ?? first, bodyBytes: 0, interim, upgrade: h.upgrade, target,
      };
      return;
    }
    const resp = this.currentResponse;
    if (resp === null) return;
    if (last !== null) resp.endNs = last;
    if (frame.type === 'body') resp.bodyBytes += frame.length;
    if (frame.type === 'end') this.completeResponse(resp);
  }

  private completeResponse(resp: ResponseProgress): void {
    this.currentResponse = null;
    if (resp.interim) {
      const target = resp.target;
      if (target === null) this.counters.orphanResponses++;
      else if (target.interim.length < MAX_INTERIM) target.interim.push({ status: resp.status, startNs: resp.startNs, endNs: resp.endNs });
      return;
    }
    this.answer(resp);
    if (this.res.decoder.phase === 'upgraded') {
      this.counters.upgraded++;
      this.upgraded = true;
      this.tunnel = this.http2After(resp);
      if (this.tunnel === null) {
        this.req.buffer.clear();
        this.res.buffer.clear();
      }
    } else if (this.req.decoder.phase === 'upgrade-pending') {
      // The server declined to switch: the request stream is HTTP/1 again.
      this.req.decoder.resolveUpgrade(false);
      this.drain(this.req);
    }
  }

  /** The request a response starting at `t` answers (rules in core/pairing.ts); older lost ones go out unanswered. */
  private claimTarget(t: bigint): PendingRequest | null {
    const { skip, target } = pickInOrderTarget(this.queue, this.responseLostSync, t);
    for (let i = 0; i < skip; i++) this.emitUnanswered();
    this.responseLostSync = false;
    if (target === null) this.counters.orphanResponses++;
    return target;
  }

  private applyGap(side: Side, gap: number): void {
    // Bytes waiting for more (a partial head or chunk line) cannot span a hole.
    const absorbed = side.buffer.length > 0 ? 0 : side.decoder.skip(gap);
    if (absorbed > 0) {
      const msg = side === this.req ? this.currentRequest : this.currentResponse;
      if (msg !== null) {
        msg.bodyBytes += absorbed;
        msg.endNs = side.nowNs;
      }
      this.drain(side); // reports the end of a body the gap completed
    }
    if (absorbed < gap && side.sync === 'in-sync' && !this.upgraded) this.desync(side, 'gap-in-framing');
  }

  private desync(side: Side, code: StitchInvalidCode): void {
    this.count(code);
    this.counters.desyncs++;
    this.counters.bytesSkipped += side.buffer.length;
    side.buffer.clear();
    side.decoder.reset();
    side.sync = 'seeking';
    if (side === this.req) {
      this.currentRequest = null;
    } else {
      const broken = this.currentResponse;
      this.currentResponse = null;
      // Its head was read: the status answers the request even though the body's framing broke.
      if (broken !== null && !broken.interim) this.answer(broken);
      this.responseLostSync = true;
    }
  }

  private count(code: StitchInvalidCode): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }

  private emitUnanswered(): void {
    const req = this.queue.shift();
    if (req === undefined) return;
    if (req === this.currentRequest) this.currentRequest = null;
    this.counters.unansweredRequests++;
    this.emit(req, null);
  }

  /** Hands out a final response: with the request it answers, or alone when it has none (an orphan). */
  private answer(resp: ResponseProgress): void {
    const { status, version, startNs, endNs, bodyBytes, target } = resp;
    const response = { status, version, startNs, endNs, bodyBytes };
    if (target === null) {
      this.deliver({
        protocol: 'http1',
        request: {
          method: null, path: null, host: null, version: null, fromResponse: true, startNs, endNs: startNs, bodyBytes: 0, trace: null,
        },
        response,
        interim: [],
      });
    } else if (this.queue[0] === target) {
      this.queue.shift();
      this.emit(target, response);
    }
  }

  private emit(req: PendingRequest, response: Http1Transaction['response']): void {
    this.deliver({
      protocol: 'http1',
      request: {
        method: req.method, path: req.path, host: req.host, version: req.version, fromResponse: false, startNs: req.startNs,
        endNs: req.endNs, bodyBytes: req.bodyBytes, trace: req.trace,
      },
      response,
      interim: req.interim,
    });
  }

  private deliver(tx: Http1Transaction): void {
    this.counters.transactions++;
    this.done.push(tx);
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }
}

function newSide(direction: StreamDirection): Side {
  return { direction, decoder: new Http1Decoder(direction, OBSERVER_LIMITS), buffer: new StreamBuffer(), sync: 'seeking', nowNs: 0n, fresh: true };
}

/** Counters of the connection before and after a switch to HTTP/2, added up. */
function mergeStats(a: StitcherStats, b: StitcherStats): StitcherStats {
  const invalid: Partial<Record<string, number>> = { ...a.invalid };
  for (const [code, n] of Object.entries(b.invalid)) invalid[code] = (invalid[code] ?? 0) + (n ?? 0);
  return {
    transactions: a.transactions + b.transactions, invalid, bytesSkipped: a.bytesSkipped + b.bytesSkipped,
    truncatedGaps: a.truncatedGaps + b.truncatedGaps, upgraded: a.upgraded + b.upgraded, desyncs: a.desyncs + b.desyncs,
    orphanResponses: a.orphanResponses + b.orphanResponses, unansweredRequests: a.unansweredRequests + b.unansweredRequests,
    droppedTransactions: a.droppedTransactions + b.droppedTransactions, bufferedBytes: a.bufferedBytes + b.bufferedBytes,
  };
}
