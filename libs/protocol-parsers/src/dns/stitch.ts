import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { countCaptureGap } from '../core/stream.js';
import type { ConnectionStitcher, StitcherOptions, StitcherStats } from '../transaction.js';
import { qtypeName, rcodeName } from './mnemonics.js';
import { DnsTcpDecoder, parseDnsMessage } from './parse.js';
import type { DnsErrorCode, DnsMessage, DnsTransaction } from './types.js';

/** One whole TCP message (two-byte length + 65,535 bytes) must fit. */
const DEFAULT_MAX_BUFFERED_BYTES = 2 + 65535;
const MAX_PENDING_QUERIES = 1024;
const MAX_COMPLETED = 4096;

type InvalidCode = DnsErrorCode | 'buffer-overflow' | 'gap-in-framing' | 'truncated-at-close';

interface PendingQuery {
  readonly message: DnsMessage;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

interface TcpSide {
  readonly decoder: DnsTcpDecoder;
  readonly buffer: StreamBuffer;
  sync: 'seeking' | 'in-sync';
  nowNs: bigint;
  /** No bytes seen yet: a connection's first read may be shorter than a header. */
  fresh: boolean;
}

type MutableStats = { -readonly [K in Exclude<keyof StitcherStats, 'bufferedBytes'>]: StitcherStats[K] } & {
  invalid: Partial<Record<InvalidCode, number>>;
};

/**
 * Pairs DNS queries with responses by id and question name (answers may come in any order), over
 * UDP (one message per chunk) or TCP (length-prefixed). Which message is which comes from the QR
 * bit, not from the direction. A response nobody asked for (the query was not captured, or a
 * second answer) is still handed out, with its request rebuilt from its own question.
 */
export class DnsStitcher implements ConnectionStitcher {
  private readonly maxBuffered: number;
  private readonly transport: 'udp' | 'tcp';
  private sides: Record<StreamDirection, TcpSide> = { request: newSide(), response: newSide() };
  private pending: PendingQuery[] = [];
  private done: DnsTransaction[] = [];
  private readonly counters: MutableStats = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0, desyncs: 0, orphanResponses: 0,
    unansweredRequests: 0, droppedTransactions: 0,
  };

  constructor(opts: StitcherOptions & { transport?: 'udp' | 'tcp' }) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.transport = opts.transport ?? 'udp';
  }

  get stats(): StitcherStats {
    const buffered = this.sides.request.buffer.length + this.sides.response.buffer.length;
    return { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: buffered };
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const data = chunk.data;
    const gap = countCaptureGap(chunk, this.counters);
        if (this.transport === 'udp') {
      if (data.length === 0) return;
      const message = parseDnsMessage(data, 0, data.length);
      if (typeof message === 'string') {
        this.count(message);
        this.counters.bytesSkipped += data.length;
        return;
      }
      this.onMessage(message, chunk.tsNs, chunk.tsNs);
      return;
    }
    const side = this.sides[direction];
    side.nowNs = chunk.tsNs;
    if (side.sync === 'seeking') {
      const fresh = side.fresh;
      if (data.length > 0) side.fresh = false;
      if (!(fresh && data.length > 0 && data.length < 14) && !startsTcpMessage(data)) {
        this.counters.bytesSkipped += data.length;
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

  take(): DnsTransaction[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  flush(): DnsTransaction[] {
    for (const side of Object.values(this.sides)) if (side.sync === 'in-sync' && side.buffer.length > 0) this.count('truncated-at-close');
    while (this.pending.length > 0) this.emitUnanswered();
    const out = this.take();
    this.sides = { request: newSide(), response: newSide() };
    return out;
  }

  private drain(side: TcpSide): void {
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
      if (r.kind === 'frame') this.onMessage(r.frame.message, side.buffer.tsAt(0, side.nowNs), side.buffer.tsAt(r.consumed - 1, side.nowNs));
      else this.counters.bytesSkipped += r.consumed;
      side.buffer.consume(r.consumed);
    }
  }

  private applyGap(side: TcpSide, gap: number): void {
    const t = side.buffer.tsAt(0, side.nowNs);
    const { absorbed, message } = side.decoder.truncated(side.buffer.view(), gap);
    if (message !== null) this.onMessage(message, t, side.nowNs);
    if (!absorbed) {
      this.desync(side, 'gap-in-framing');
      return;
    }
    side.buffer.clear();
  }

  private onMessage(m: DnsMessage, startNs: bigint, endNs: bigint): void {
    if (!m.response) {
      this.pending.push({ message: m, startNs, endNs });
      if (this.pending.length > MAX_PENDING_QUERIES) this.emitUnanswered();
      return;
    }
    const i = this.pending.findIndex((q) => q.message.id === m.id && sameName(q.message.qname, m.qname));
    const response: DnsTransaction['response'] = {
      rcode: rcodeName(m.rcode), answers: m.answers, authorities: m.authorities, additionals: m.additionals,
      truncated: m.truncatedFlag, startNs, endNs,
    };
    const query = i >= 0 ? this.pending.splice(i, 1)[0] : undefined;
    if (query === undefined) {
      this.counters.orphanResponses++;
      this.emit({ message: m, startNs, endNs: startNs }, response, true);
      return;
    }
    this.emit(query, response, false);
  }

  private desync(side: TcpSide, code: InvalidCode): void {
    this.count(code);
    this.counters.desyncs++;
    this.counters.bytesSkipped += side.buffer.length;
    side.buffer.clear();
    side.decoder.reset();
    side.sync = 'seeking';
  }

  private count(code: InvalidCode): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }

  private emitUnanswered(): void {
    const q = this.pending.shift();
    if (q === undefined) return;
    this.counters.unansweredRequests++;
    this.emit(q, null, false);
  }

  private emit(q: PendingQuery, response: DnsTransaction['response'], fromResponse: boolean): void {
    const m = q.message;
    this.counters.transactions++;
    this.done.push({
      protocol: 'dns',
      transport: this.transport,
      request: {
        id: m.id, qname: m.qname, qtype: m.qtype === null ? null : qtypeName(m.qtype), qclass: m.qclass, opcode: m.opcode,
        startNs: q.startNs, endNs: q.endNs, fromResponse,
      },
      response,
    });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }
}

/** Names compare case-insensitively (RFC 4343; resolvers randomise case, 0x20 encoding). */
function sameName(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.toLowerCase() === b.toLowerCase();
}

/** A chunk that starts with a length prefix followed by at least a plausible header. */
function startsTcpMessage(data: Uint8Array): boolean {
  if (data.length < 2 + 12) return false;
  const len = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
  return len >= 12 && ((data[4] ?? 0) & 0x78) >>> 3 <= 6;
}

function newSide(): TcpSide {
  return { decoder: new DnsTcpDecoder(), buffer: new StreamBuffer(), sync: 'seeking', nowNs: 0n, fresh: true };
}
