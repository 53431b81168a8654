import type { StreamChunk } from '../core/stream.js';
import type { SkipCounter } from './container.js';

/** Out-of-order bytes held per direction while waiting for a hole to fill. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
export const MAX_PENDING_SEGMENTS = 1024;
/** A segment further ahead than this is not a reordering but a different (or broken) stream. */
const MAX_AHEAD = 64 * 1024 * 1024;

interface PendingSegment {
  seq: number;
  data: Uint8Array;
  size: number;
  tsNs: bigint;
}

const EMPTY = new Uint8Array(0);

/** Signed distance a − b in 32-bit sequence space (RFC 1982 arithmetic). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

/**
 * One direction of a TCP connection, put back in sequence-number order. Delivers bytes as soon as they
 * are contiguous; retransmitted bytes are trimmed; segments after a hole wait (bounded) until the hole
 * fills. A hole that will never fill — the peer acknowledged past it, the buffer is full or the connection
 * ended — is delivered as a chunk with `size > data.length`, the stitchers' signal to resynchronise.
 */
export class TcpDirectionStream {
  /** Next sequence number expected; null until the first packet of this direction. */
  private next: number | null = null;
  private finSeq: number | null = null;
  private closed = false;
  private pending: PendingSegment[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly emit: (chunk: StreamChunk) => void,
    private readonly skip: SkipCounter,
  ) {}

  /** The SYN's sequence number: data starts one past it. */
  syn(seq: number): void {
    if (this.next === null) this.next = (seq + 1) >>> 0;
  }

  /**
   * One segment of this direction. `payload` holds the captured bytes; `size` the bytes on the wire
   * (larger when the snap length cut the packet).
   */
  segment(seq: number, payload: Uint8Array, size: number, tsNs: bigint, fin: boolean): void {
    if (this.next === null) this.next = seq; // capture started after the SYN: begin where we are
    if (fin) this.finSeq = (seq + size) >>> 0;
    if (size === 0) return;
    if (this.closed) {
      this.skip('tcp-after-close');
      return;
    }
    const rel = seqDiff(seq, this.next);
    if (rel + size <= 0) {
      this.skip('tcp-retransmission');
      return;
    }
    if (rel > 0) {
      this.hold(seq, payload, size, tsNs, rel);
      return;
    }
    this.deliver(payload, size, -rel, tsNs);
    this.drain();
  }

  /** The peer acknowledged everything before `ack`: bytes below it we never saw are lost to the capture. */
  acknowledged(ack: number, tsNs: bigint): void {
    if (this.next === null || this.closed) return;
    let rel = seqDiff(ack, this.next);
    // The FIN takes one sequence number but carries no byte.
    if (this.finSeq !== null && seqDiff(ack, this.finSeq) > 0) rel -= seqDiff(ack, this.finSeq);
    if (rel <= 0 || rel > MAX_AHEAD) return;
    const target = (this.next + rel) >>> 0;
    while (this.next !== null && seqDiff(target, this.next) > 0) {
      const first = this.pending[0];
      const stop = first !== undefined && seqDiff(first.seq, target) < 0 ? first.seq : target;
      this.gap(seqDiff(stop, this.next), stop === target ? tsNs : (first?.tsNs ?? tsNs));
      this.next = stop;
      this.drain();
    }
  }

  /** RST or end of capture: whatever is held is delivered, holes included; later data is dropped. */
  close(): void {
    this.flushPending();
    this.closed = true;
  }

  private hold(seq: number, payload: Uint8Array, size: number, tsNs: bigint, rel: number): void {
    if (rel > MAX_AHEAD) {
      this.skip('tcp-out-of-window');
      return;
    }
    const at = this.pending.findIndex((p) => seqDiff(p.seq, seq) > 0);
    const segment = { seq, data: payload, size, tsNs };
    if (at < 0) this.pending.push(segment);
    else this.pending.splice(at, 0, segment);
    this.pendingBytes += size;
    if (this.pendingBytes > MAX_PENDING_BYTES || this.pending.length > MAX_PENDING_SEGMENTS) this.skipToPending();
  }

  /** Gives up on the hole before the first held segment. */
  private skipToPending(): void {
    const first = this.pending[0];
    if (first === undefined || this.next === null) return;
    this.gap(seqDiff(first.seq, this.next), first.tsNs);
    this.next = first.seq;
    this.drain();
  }

  private flushPending(): void {
    while (this.pending.length > 0) this.skipToPending();
  }

  private drain(): void {
    while (this.next !== null) {
      const first = this.pending[0];
      if (first === undefined) return;
      const rel = seqDiff(first.seq, this.next);
      if (rel > 0) return;
      this.pending.shift();
      this.pendingBytes -= first.size;
      if (rel + first.size <= 0) this.skip('tcp-retransmission');
      else this.deliver(first.data, first.size, -rel, first.tsNs);
    }
  }

  /** Delivers a segment minus its first `trim` bytes (already delivered). */
  private deliver(payload: Uint8Array, size: number, trim: number, tsNs: bigint): void {
    const data = trim === 0 ? payload : payload.subarray(Math.min(trim, payload.length));
    this.emit({ data, size: size - trim, tsNs });
    this.next = ((this.next ?? 0) + size - trim) >>> 0;
  }

  private gap(bytes: number, tsNs: bigint): void {
    if (bytes > 0) this.emit({ data: EMPTY, size: bytes, tsNs });
  }
}
