import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import type {
  ConnectionStitcher, Http1Transaction, StitchInvalidCode, StitcherOptions, StitcherStats,
} from '../transaction.js';
import { inferHttp1 } from './infer.js';
import { Http1Decoder } from './parse.js';
import type { Http1Frame, Http1Version } from './types.js';

const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
/** Requests waiting for a response; beyond this the oldest is handed out unanswered. */
const MAX_PENDING_REQUESTS = 256;
/** Completed transactions waiting for `take()`; beyond this the oldest is dropped. */
const MAX_COMPLETED = 4096;

interface PendingRequest {
  method: string;
  path: string;
  host: string | null;
  version: Http1Version;
  startNs: bigint;
  endNs: bigint;
  bodyBytes: number;
}

interface ResponseProgress {
  status: number;
  version: Http1Version;
  startNs: bigint;
  endNs: bigint;
  bodyBytes: number;
  /** 1xx other than 101: does not complete the transaction. */
  interim: boolean;
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
  private readonly counters: MutableStats = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0,
    desyncs: 0, orphanResponses: 0, unansweredRequests: 0, droppedTransactions: 0,
  };

  constructor(opts: StitcherOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  get stats(): StitcherStats {
    return { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: this.req.buffer.length + this.res.buffer.length };
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const data = chunk.data;
    const gap = Math.max(chunk.size, data.length) - data.length;
    if (gap > 0) {
      this.counters.truncatedGaps++;
      this.counters.bytesSkipped += gap;
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

  take(): Http1Transaction[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  flush(): Http1Transaction[] {
    if (!this.upgraded) {
      for (const side of [this.req, this.res]) {
        if (side.sync !== 'in-sync') continue;
        const outcome = side.decoder.finish(side.buffer.view());
        if (outcome === 'message-end') this.onFrame(side, { type: 'end' }, 0);
        else if (outcome === 'truncated') this.count('truncated-at-close');
      }
    }
    while (this.queue.length > 0) this.emitUnanswered();
    const out = this.take();
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
    if (data.indexOf(0x0a) >= 0) return false;
    side.decoder.reset();
    const verdict = side.decoder.parse(data).kind;
    side.decoder.reset();
    return verdict === 'need-more';
  }

  private drain(side: Side): void {
    while (side.sync === 'in-sync' && !this.upgraded) {
      const view = side.buffer.view();
      const method = side === this.res && this.currentResponse === null ? this.pickTarget(side.buffer.tsAt(0, side.nowNs)).target?.method ?? null : null;
      const r = side.decoder.parse(view, method);
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
    }
  }

  /** Accounts one frame; `consumed` bytes sit at the start of the side's buffer. */
  private onFrame(side: Side, frame: Http1Frame, consumed: number): void {
    const first = side.buffer.tsAt(0, side.nowNs);
    const last = consumed > 0 ? side.buffer.tsAt(consumed - 1, side.nowNs) : null;
    if (side === this.req) this.onRequestFrame(frame, first, last);
    else this.onResponseFrame(frame, first, last);
  }

  private onRequestFrame(frame: Http1Frame, first: bigint, last: bigint | null): void {
    if (frame.type === 'head') {
      const h = frame.head;
      if (h.kind !== 'request') return;
      const req: PendingRequest = {
        method: h.method, path: h.target, host: h.host, version: h.version, startNs: first, endNs: last ?? first, bodyBytes: 0,
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
      const target = interim ? null : this.claimTarget(first);
      this.currentResponse = { status: h.status, version: h.version, startNs: first, endNs: last ?? first, bodyBytes: 0, interim, target };
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
    if (resp.interim) return;
    const target = resp.target;
    if (target !== null && this.queue[0] === target) {
      this.queue.shift();
      this.emit(target, { status: resp.status, version: resp.version, startNs: resp.startNs, endNs: resp.endNs, bodyBytes: resp.bodyBytes });
    }
    if (this.res.decoder.phase === 'upgraded') {
      this.counters.upgraded++;
      this.upgraded = true;
      this.req.buffer.clear();
      this.res.buffer.clear();
    } else if (this.req.decoder.phase === 'upgrade-pending') {
      // The server declined to switch: the request stream is HTTP/1 again.
      this.req.decoder.resolveUpgrade(false);
      this.drain(this.req);
    }
  }

  /**
   * The request a response starting at `t` answers. After the response stream
   * lost sync, responses may have been lost with it: the answer is then the
   * newest request already sent, and older ones are handed out unanswered.
   * A response that starts before every pending request is an orphan.
   */
  private pickTarget(t: bigint): { skip: number; target: PendingRequest | null } {
    let k = 0;
    if (this.responseLostSync) while (k + 1 < this.queue.length && (this.queue[k + 1]?.startNs ?? t) <= t) k++;
    const target = this.queue[k] ?? null;
    return target === null || target.startNs > t ? { skip: 0, target: null } : { skip: k, target };
  }

  private claimTarget(t: bigint): PendingRequest | null {
    const { skip, target } = this.pickTarget(t);
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
      this.currentResponse = null;
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

  private emit(req: PendingRequest, response: Http1Transaction['response']): void {
    this.counters.transactions++;
    this.done.push({
      protocol: 'http1',
      request: { method: req.method, path: req.path, host: req.host, version: req.version, startNs: req.startNs, endNs: req.endNs, bodyBytes: req.bodyBytes },
      response,
    });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }
}

function newSide(direction: StreamDirection): Side {
  return { direction, decoder: new Http1Decoder(direction), buffer: new StreamBuffer(), sync: 'seeking', nowNs: 0n, fresh: true };
}
