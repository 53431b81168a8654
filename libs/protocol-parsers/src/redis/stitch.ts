import { pickInOrderTarget } from '../core/pairing.js';
import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { countCaptureGap } from '../core/stream.js';
import type { ConnectionStitcher, StitcherOptions } from '../transaction.js';
import { PUBSUB_CONFIRMATION_KINDS, PUBSUB_MESSAGE_KINDS, SUBSCRIBE_COMMANDS } from './commands.js';
import { inferRedis } from './infer.js';
import { RespDecoder, isRespTypeByte } from './parse.js';
import type { RedisErrorCode, RedisStitcherStats, RedisTransaction, RespValue } from './types.js';

// One line (64 KiB) plus the captured command words must fit.
const DEFAULT_MAX_BUFFERED_BYTES = 68 * 1024;
const MAX_PENDING_REQUESTS = 1024;
const MAX_COMPLETED = 4096;

type InvalidCode = RedisErrorCode | 'buffer-overflow' | 'gap-in-framing' | 'truncated-at-close';

interface PendingRequest {
  readonly command: string | null;
  readonly args: number;
  readonly inline: boolean;
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** `CLIENT REPLY OFF|SKIP` told the server not to answer this one. */
  readonly silent: boolean;
}

interface Side {
  readonly decoder: RespDecoder;
  readonly buffer: StreamBuffer;
  sync: 'seeking' | 'in-sync';
  nowNs: bigint;
  fresh: boolean;
  /** Capture time of the first byte of the value being read, once part of it was consumed. */
  valueStartNs: bigint | null;
}

type MutableStats = { -readonly [K in Exclude<keyof RedisStitcherStats, 'bufferedBytes'>]: RedisStitcherStats[K] } & {
  invalid: Partial<Record<InvalidCode, number>>;
};

/**
 * Pairs Redis commands with replies in order (pipelining), setting aside what the server sends
 * unasked: RESP3 pushes, RESP2 pub/sub messages, MONITOR output. Commands the server was told not
 * to answer (`CLIENT REPLY OFF|SKIP`) are handed out without a reply instead of stealing the next one.
 */
export class RedisStitcher implements ConnectionStitcher {
  private readonly maxBuffered: number;
  private req = newSide('request');
  private res = newSide('response');
  private queue: PendingRequest[] = [];
  private done: RedisTransaction[] = [];
  private responseLostSync = false;
  private replyOff = false;
  private skipNext = false;
  private subscribed = false;
  private monitoring = false;
  /** Confirmations still due for the channels of the last subscribe-family command answered. */
  private confirmationsDue = 0;
  private readonly counters: MutableStats = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0, desyncs: 0, orphanResponses: 0,
    unansweredRequests: 0, droppedTransactions: 0, pushes: 0, silencedRequests: 0,
  };

  constructor(opts: StitcherOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  get stats(): RedisStitcherStats {
    return { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: this.req.buffer.length + this.res.buffer.length };
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const data = chunk.data;
    const gap = countCaptureGap(chunk, this.counters);
        const side = direction === 'request' ? this.req : this.res;
    side.nowNs = chunk.tsNs;
    if (side.sync === 'seeking') {
      const fresh = side.fresh;
      if (data.length > 0) side.fresh = false;
      if (data.length === 0 || !startsValue(side, data, fresh)) {
        this.counters.bytesSkipped += data.length;
        if (side === this.res && data.length > 0) this.responseLostSync = true;
        return;
      }
      side.sync = 'in-sync';
      side.decoder.reset();
    }
    side.buffer.append(data, chunk.tsNs);
    this.drain(side);
    if (gap > 0 && side.sync === 'in-sync') this.applyGap(side, gap);
    side.buffer.detach();
  }

  take(): RedisTransaction[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  flush(): RedisTransaction[] {
    for (const side of [this.req, this.res]) {
      if (side.sync === 'in-sync' && (!side.decoder.idle || side.buffer.length > 0)) this.count('truncated-at-close');
    }
    while (this.queue.length > 0) this.emitUnanswered();
    const out = this.take();
    this.req = newSide('request');
    this.res = newSide('response');
    this.responseLostSync = false;
    this.replyOff = false;
    this.skipNext = false;
    this.subscribed = false;
    this.monitoring = false;
    this.confirmationsDue = 0;
    return out;
  }

  private drain(side: Side): void {
    while (side.sync === 'in-sync') {
      const r = side.decoder.parse(side.buffer.view());
      if (r.kind === 'need-more') {
        if (side.buffer.length > this.maxBuffered) this.desync(side, 'buffer-overflow');
        return;
      }
      if (r.kind === 'invalid') {
        this.desync(side, r.code);
        return;
      }
      if (r.kind === 'frame') {
        side.valueStartNs ??= side.buffer.tsAt(0, side.nowNs);
        if (r.frame.type === 'value') {
          const endNs = r.consumed > 0 ? side.buffer.tsAt(r.consumed - 1, side.nowNs) : side.nowNs;
          const startNs = side.valueStartNs;
          side.valueStartNs = null;
          if (side === this.req) this.onRequest(r.frame.value, startNs, endNs);
          else this.onReply(r.frame.value, startNs, endNs);
        }
      }
      side.buffer.consume(r.consumed);
    }
  }

  private onRequest(v: RespValue, startNs: bigint, endNs: bigint): void {
    if (v.elements <= 0) return; // `*0` / `*-1`: Redis runs nothing
    const command = v.words[0]?.toUpperCase() ?? null;
    let silent = this.replyOff;
    if (command === 'CLIENT' && v.words[1]?.toUpperCase() === 'REPLY') {
      const mode = v.words[2]?.toUpperCase();
      if (mode === 'ON') this.replyOff = false;
      if (mode === 'OFF') this.replyOff = true;
      silent = mode === 'OFF' || mode === 'SKIP' || (mode !== 'ON' && this.replyOff);
      if (mode === 'SKIP' && !this.replyOff) this.skipNext = true;
    } else if (this.skipNext) {
      silent = true;
      this.skipNext = false;
    }
    if (command !== null && SUBSCRIBE_COMMANDS.has(command)) this.subscribed = true;
    if (command === 'RESET') this.subscribed = this.monitoring = this.replyOff = false;
    if (command === 'MONITOR') this.monitoring = true;
    this.queue.push({ command, args: v.elements - 1, inline: v.inline, startNs, endNs, silent });
    if (this.queue.length > MAX_PENDING_REQUESTS) this.emitUnanswered();
    this.emitSilenced();
  }

  private onReply(v: RespValue, startNs: bigint, endNs: bigint): void {
    const head = v.words[0]?.toLowerCase();
    const confirmation = head !== undefined && PUBSUB_CONFIRMATION_KINDS.has(head);
    const pubsub = v.type === 'push'
      || (this.subscribed && v.type === 'array' && head !== undefined && (confirmation || PUBSUB_MESSAGE_KINDS.has(head)));
    if (pubsub) {
      const subscriber = confirmation && this.confirmationsDue === 0 ? pickInOrderTarget(this.queue, this.responseLostSync, startNs).target : null;
      if (subscriber === null || subscriber.command === null || !SUBSCRIBE_COMMANDS.has(subscriber.command)) {
        if (confirmation && this.confirmationsDue > 0) this.confirmationsDue--;
        this.counters.pushes++;
        return;
      }
      this.confirmationsDue = Math.max(0, subscriber.args - 1);
    } else if (this.monitoring && this.queue.length === 0) {
      this.counters.pushes++; // MONITOR streams every command the server runs
      return;
    }
    const target = this.claimTarget(startNs);
    if (target === null) return;
    this.queue.shift();
    this.emit(target, { type: v.type, error: v.error, elements: v.elements >= 0 ? v.elements : null, startNs, endNs });
    this.emitSilenced();
  }

  /** The request a reply starting at `t` answers (rules in core/pairing.ts). */
  private claimTarget(t: bigint): PendingRequest | null {
    const { skip, target } = pickInOrderTarget(this.queue, this.responseLostSync, t);
    for (let i = 0; i < skip; i++) this.emitUnanswered();
    this.responseLostSync = false;
    if (target === null) this.counters.orphanResponses++;
    return target;
  }

  private emitSilenced(): void {
    while (this.queue[0]?.silent === true) {
      const req = this.queue.shift();
      if (req === undefined) return;
      this.counters.silencedRequests++;
      this.emit(req, null);
    }
  }

  private applyGap(side: Side, gap: number): void {
    // Bytes waiting for more (a partial line) cannot span a hole; only bulk bodies can.
    const absorbed = side.buffer.length > 0 ? 0 : side.decoder.skip(gap);
    if (absorbed > 0) this.drain(side);
    if (absorbed < gap && side.sync === 'in-sync') this.desync(side, 'gap-in-framing');
  }

  private desync(side: Side, code: InvalidCode): void {
    this.count(code);
    this.counters.desyncs++;
    this.counters.bytesSkipped += side.buffer.length;
    side.buffer.clear();
    side.decoder.reset();
    side.sync = 'seeking';
    side.valueStartNs = null;
    if (side === this.res) this.responseLostSync = true;
  }

  private count(code: InvalidCode): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }

  private emitUnanswered(): void {
    const req = this.queue.shift();
    if (req === undefined) return;
    if (req.silent) this.counters.silencedRequests++;
    else this.counters.unansweredRequests++;
    this.emit(req, null);
  }

  private emit(req: PendingRequest, response: RedisTransaction['response']): void {
    this.counters.transactions++;
    this.done.push({
      protocol: 'redis',
      request: { command: req.command, args: req.args, inline: req.inline, startNs: req.startNs, endNs: req.endNs },
      response,
    });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }
}

/** Can a chunk start a value here? Commands are recognised by shape; replies by their type byte. */
function startsValue(side: Side, data: Uint8Array, fresh: boolean): boolean {
  if (side.decoder.role === 'response') return isRespTypeByte(data[0]);
  if (inferRedis(data)?.kind === 'request') return true;
  const c = data[0] ?? 0;
  // A connection's first bytes may be a command too short to recognise (`*1` alone, `PI`).
  return fresh && (c === 0x2a || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
}

function newSide(direction: StreamDirection): Side {
  return { decoder: new RespDecoder(direction), buffer: new StreamBuffer(), sync: 'seeking', nowNs: 0n, fresh: true, valueStartNs: null };
}
