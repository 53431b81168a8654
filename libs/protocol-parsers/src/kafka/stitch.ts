import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import type { ConnectionStitcher, StitcherOptions, StitcherStats } from '../transaction.js';
import { apiName, isPlausibleRequest } from './api.js';
import { type PendingApi, parseKafkaRequest, parseKafkaResponse } from './parse.js';
import { DEFAULT_KAFKA_LIMITS, type KafkaErrorCode, type KafkaFrame, type KafkaLimits, type KafkaTransaction } from './types.js';

const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 + 4;
/** Requests awaiting a response, by correlation id; beyond this the oldest is handed out unanswered. */
const MAX_PENDING_REQUESTS = 1024;
/** Completed transactions waiting for `take()`; beyond this the oldest is dropped. */
const MAX_COMPLETED = 4096;

type Request = KafkaTransaction['request'];
type Response = NonNullable<KafkaTransaction['response']> & { target: Request };

interface Side {
  readonly direction: StreamDirection;
  readonly buffer: StreamBuffer;
  sync: 'seeking' | 'in-sync';
  /** Bytes of the current frame still to pass unread (frames too large to buffer, truncated captures). */
  skip: number;
  /** The frame being skipped, so its end time follows the bytes. */
  open: Request | Response | null;
  nowNs: bigint;
  /** No bytes seen yet: the connection's first byte starts a frame, however few bytes the first read holds. */
  fresh: boolean;
}

type Invalid = KafkaErrorCode | 'buffer-overflow' | 'gap-in-framing';
type MutableStats = { -readonly [K in Exclude<keyof StitcherStats, 'bufferedBytes'>]: StitcherStats[K] } & {
  invalid: Partial<Record<Invalid, number>>;
};

/**
 * Pairs Kafka requests and responses of one connection by correlation id (responses carry no api
 * key, so the request's key and version are kept in a bounded map until answered). Frames are
 * length-prefixed: a frame too large to buffer is decoded from its head and the rest skipped, and a
 * stream joined mid-way waits for a chunk that starts a plausible frame.
 */
export class KafkaStitcher implements ConnectionStitcher {
  private readonly limits: KafkaLimits;
  private readonly maxBuffered: number;
  private req: Side = newSide('request');
  private res: Side = newSide('response');
  private pending = new Map<number, Request>();
  private done: KafkaTransaction[] = [];
  private readonly counters: MutableStats = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0,
    desyncs: 0, orphanResponses: 0, unansweredRequests: 0, droppedTransactions: 0,
  };
  private readonly lookup = (correlationId: number): PendingApi | undefined => this.pending.get(correlationId);

  constructor(opts: StitcherOptions) {
    this.maxBuffered = Math.max(64, opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES);
    this.limits = { ...DEFAULT_KAFKA_LIMITS, maxBufferedFrameBytes: this.maxBuffered - 4 };
  }

  get stats(): StitcherStats {
    return { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: this.req.buffer.length + this.res.buffer.length };
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const side = direction === 'request' ? this.req : this.res;
    let data = chunk.data;
    const gap = Math.max(chunk.size, data.length) - data.length;
    if (gap > 0) this.counters.truncatedGaps++;
    side.nowNs = chunk.tsNs;
    if (side.skip > 0 && data.length > 0) {
      const n = Math.min(side.skip, data.length);
      data = data.subarray(n);
      this.skipped(side, n);
    }
    const fresh = side.fresh;
    if (data.length > 0) side.fresh = false;
    if (data.length > 0 && side.sync === 'seeking' && !fresh && !this.startsFrame(side, data)) {
      this.counters.bytesSkipped += data.length;
      data = data.subarray(data.length);
    }
    if (data.length > 0) {
      side.sync = 'in-sync';
      side.buffer.append(data, chunk.tsNs);
      this.drain(side, false);
    }
    if (gap > 0) this.applyGap(side, gap);
    side.buffer.detach();
  }

  take(): KafkaTransaction[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  flush(): KafkaTransaction[] {
    for (const side of [this.req, this.res]) {
      // A frame cut by the close still names its request; decode the head that arrived.
      if (side.sync === 'in-sync' && side.buffer.length > 0) this.drain(side, true);
      if (side.buffer.length > 0 || side.skip > 0) this.count('gap-in-framing');
      this.finishOpen(side);
    }
    for (const req of [...this.pending.values()]) this.unanswered(req);
    const out = this.take();
    this.req = newSide('request');
    this.res = newSide('response');
    return out;
  }

  /** Whether a chunk seen while out of sync begins a frame: a plausible size and header. */
  private startsFrame(side: Side, data: Uint8Array): boolean {
    if (data.length < 8) return false;
    const size = (((data[0] ?? 0) << 24) | ((data[1] ?? 0) << 16) | ((data[2] ?? 0) << 8) | (data[3] ?? 0)) >>> 0;
    if (size < 4 || size > this.limits.maxFrameBytes) return false;
    const word = ((data[4] ?? 0) << 24) | ((data[5] ?? 0) << 16) | ((data[6] ?? 0) << 8) | (data[7] ?? 0);
    if (side === this.res) return this.pending.has(word);
    return isPlausibleRequest(word >> 16, (word << 16) >> 16);
  }

  private drain(side: Side, truncated: boolean): void {
    while (side.sync === 'in-sync' && side.skip === 0 && side.buffer.length > 0) {
      const view = side.buffer.view();
      const opts = { limits: this.limits, truncated };
      const r = side === this.req ? parseKafkaRequest(view, opts) : parseKafkaResponse(view, this.lookup, opts);
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

  private onFrame(side: Side, frame: KafkaFrame, consumed: number): void {
    const startNs = side.buffer.tsAt(0, side.nowNs);
    const endNs = side.buffer.tsAt(consumed - 1, side.nowNs);
    side.skip = frame.skip;
    if (frame.kind === 'request') {
      const { header: h, body: b } = frame;
      const req: Request = {
        apiKey: h.apiKey, apiName: apiName(h.apiKey), apiVersion: h.apiVersion, correlationId: h.correlationId,
        clientId: h.clientId, topics: b.topics, partitions: b.partitions, trace: b.trace, startNs, endNs, bytes: frame.size, acks: b.acks,
      };
      const previous = this.pending.get(h.correlationId);
      if (previous !== undefined) this.unanswered(previous);
      // Produce with acks=0 is never answered: hand it out now.
      if (h.apiKey === 0 && b.acks === 0) this.emit(req, null);
      else this.pending.set(h.correlationId, req);
      if (this.pending.size > MAX_PENDING_REQUESTS) {
        const oldest = this.pending.values().next().value;
        if (oldest !== undefined) this.unanswered(oldest);
      }
      side.open = frame.skip > 0 ? req : null;
      return;
    }
    const target = this.pending.get(frame.correlationId);
    if (!frame.known || target === undefined) {
      this.counters.orphanResponses++;
      side.open = null;
      return;
    }
    this.pending.delete(frame.correlationId);
    const resp: Response = {
      errorCode: frame.body.errorCode, topics: frame.body.topics, partitions: frame.body.partitions, startNs, endNs, bytes: frame.size, target,
    };
    side.open = resp;
    if (frame.skip === 0) this.finishOpen(side);
  }

  /** `n` bytes of the open frame went by unread. */
  private skipped(side: Side, n: number): void {
    side.skip -= n;
    if (side.open !== null) side.open.endNs = side.nowNs;
    if (side.skip === 0) this.finishOpen(side);
  }

  private finishOpen(side: Side): void {
    const open = side.open;
    side.open = null;
    if (open === null || !('target' in open)) return;
    const { target, ...response } = open;
    this.emit(target, response);
  }

  /** Bytes lost to a truncated capture: fine inside a frame being skipped, fatal at a frame boundary. */
  private applyGap(side: Side, gap: number): void {
    this.counters.bytesSkipped += gap;
    if (side.sync !== 'in-sync') return;
    if (side.buffer.length > 0) this.drain(side, true);
    if (side.buffer.length === 0 && gap <= side.skip) {
      this.skipped(side, gap);
      return;
    }
    this.desync(side, 'gap-in-framing');
  }

  private desync(side: Side, code: Invalid): void {
    this.count(code);
    this.counters.desyncs++;
    this.counters.bytesSkipped += side.buffer.length;
    side.buffer.clear();
    side.sync = 'seeking';
    side.skip = 0;
    side.open = null;
  }

  private count(code: Invalid): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }

  private unanswered(req: Request): void {
    this.pending.delete(req.correlationId);
    this.counters.unansweredRequests++;
    this.emit(req, null);
  }

  private emit(req: Request, response: KafkaTransaction['response']): void {
    this.counters.transactions++;
    this.done.push({ protocol: 'kafka', request: req, response });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }
}

function newSide(direction: StreamDirection): Side {
  return { direction, buffer: new StreamBuffer(), sync: 'seeking', skip: 0, open: null, nowNs: 0n, fresh: true };
}
