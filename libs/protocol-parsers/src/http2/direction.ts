import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { HpackDecoder } from './hpack.js';
import { Http2FrameDecoder, plausibleFrameHeader } from './parse.js';
import { CLIENT_PREFACE, DEFAULT_MAX_FRAME_SIZE, type Http2Frame, PROTOCOL_MAX_FRAME_SIZE } from './types.js';

const PREFACE = Uint8Array.from(CLIENT_PREFACE, (c) => c.charCodeAt(0));

/** What one direction's frames mean to the connection; the stitcher implements it. */
export interface DirectionEvents {
  /**
   * A complete header block (HEADERS or PUSH_PROMISE plus CONTINUATIONs); null
   * when it could not be kept (larger than the cap) and is lost.
   */
  headerBlock(dir: Http2Direction, streamId: number, block: Uint8Array | null, endStream: boolean, promisedStreamId: number, startNs: bigint, endNs: bigint): void;
  /** DATA payload bytes; `bytes` null for bytes a truncated capture lost. */
  data(dir: Http2Direction, streamId: number, bytes: Uint8Array | null, length: number, frameEnd: boolean, endStream: boolean, tsNs: bigint): void;
  /** Any other frame (RST_STREAM, SETTINGS, GOAWAY, …). */
  control(dir: Http2Direction, frame: Http2Frame, tsNs: bigint): void;
  /** Rule broken, bytes dropped; `skipped` counts them. */
  invalid(dir: Http2Direction, code: string, skipped: number): void;
}

export interface DirectionOptions {
  /** Unconsumed bytes this side may hold; also the cap on one header block. */
  maxBufferedBytes: number;
  /** The request side expects `PRI * HTTP/2.0…` first (prior knowledge, h2c after the 101, CONNECT tunnels). */
  expectPreface: boolean;
  /** Whether this side's HPACK state starts known (fresh connection). */
  hpackSynced: boolean;
}

type SyncState = 'preface' | 'frames' | 'seeking';

/** One direction of an HTTP/2 connection: bytes → frames → assembled header blocks. */
export class Http2Direction {
  readonly buffer = new StreamBuffer();
  readonly decoder: Http2FrameDecoder;
  hpack: HpackDecoder;
  state: SyncState;
  /** No frame seen yet: a server's first frame being SETTINGS proves the connection start. */
  private fresh = true;
  private nowNs = 0n;
  private block: Uint8Array | null = null;
  private blockLength = 0;
  private blockStream = 0;
  private blockEndStream = false;
  private blockPromised = 0;
  private blockLost = false;
  private blockStartNs = 0n;

  constructor(readonly role: StreamDirection, private readonly events: DirectionEvents, private readonly opts: DirectionOptions) {
    // A passive observer accepts any frame the 24-bit length allows (peers do exceed
    // SETTINGS_MAX_FRAME_SIZE, and Wireshark still reads them) but buffers at most the cap.
    this.decoder = new Http2FrameDecoder({ maxFrameSize: PROTOCOL_MAX_FRAME_SIZE, maxBufferedPayload: opts.maxBufferedBytes - 9 });
    this.hpack = new HpackDecoder({ synced: opts.hpackSynced });
    this.state = opts.expectPreface ? 'preface' : 'frames';
  }

  push(chunk: StreamChunk): number {
    const data = chunk.data;
    this.nowNs = chunk.tsNs;
    if (this.state === 'preface' && this.buffer.length === 0 && !startsLikePreface(data)) {
      // The capture began after the preface: find frames, HPACK state unknown.
      this.state = 'seeking';
      this.loseHpackState();
    }
    if (this.state === 'seeking') {
      if (data.length === 0 || !this.startsFrames(data)) return data.length;
      this.state = 'frames';
      this.decoder.reset();
    }
    this.buffer.append(data, chunk.tsNs);
    this.drain();
    return 0;
  }

  /** `n` bytes a truncated capture never delivered; false when framing is lost. */
  gap(n: number): boolean {
    if (this.state !== 'frames' || this.buffer.length > 0) return false;
    const info = this.decoder.streamingInfo();
    if (info === null || !this.decoder.skipPayload(n)) return false;
    const frameEnd = this.decoder.streamingInfo() === null;
    if (!info.skipped) this.events.data(this, info.streamId, null, Math.min(n, info.dataLeft), frameEnd, info.endStream, this.nowNs);
    return true;
  }

  /** Drops framing state and looks for the next frame boundary in a later chunk. */
  desync(): number {
    const dropped = this.buffer.length;
    this.buffer.clear();
    this.decoder.reset();
    this.block = null;
    this.blockLength = 0;
    this.state = 'seeking';
    // Frames of unknown content may have changed the dynamic table.
    this.loseHpackState();
    return dropped;
  }

  /** After a block we could not decode, the dynamic table's content is unknown. */
  loseHpackState(): void {
    this.hpack = new HpackDecoder({ synced: false, tableSizeLimit: this.hpack.tableSizeLimit });
  }

  /** SETTINGS_HEADER_TABLE_SIZE announced by the peer that decodes this side's blocks. */
  setTableSizeLimit(size: number): void {
    this.hpack.tableSizeLimit = size;
  }

  private drain(): void {
    for (;;) {
      const view = this.buffer.view();
      if (this.state === 'preface') {
        const n = Math.min(view.length, PREFACE.length);
        for (let i = 0; i < n; i++) {
          if (view[i] !== PREFACE[i]) {
            this.events.invalid(this, 'invalid-preface', this.desync());
            return;
          }
        }
        if (view.length < PREFACE.length) break;
        this.buffer.consume(PREFACE.length);
        this.state = 'frames';
        continue;
      }
      const r = this.decoder.parse(view);
      if (r.kind === 'need-more') break;
      if (r.kind === 'invalid') {
        this.events.invalid(this, r.code, this.desync());
        return;
      }
      if (r.kind === 'frame') this.onFrame(r.frame, r.consumed);
      this.buffer.consume(r.consumed);
      if (this.state !== 'frames') return;
    }
    // Only a partial frame header or a header-bearing frame can be pending (DATA streams).
    if (this.buffer.length > this.opts.maxBufferedBytes) this.events.invalid(this, 'buffer-overflow', this.desync());
    else this.buffer.detach();
  }

  private onFrame(frame: Http2Frame, consumed: number): void {
    const first = this.buffer.tsAt(0, this.nowNs);
    const last = consumed > 0 ? this.buffer.tsAt(consumed - 1, this.nowNs) : first;
    if (this.fresh) {
      this.fresh = false;
      if (this.role === 'response' && frame.type === 'settings' && !frame.ack) this.hpack.synced = true;
    }
    switch (frame.type) {
      case 'data':
        if (frame.complete) this.events.data(this, frame.streamId, new Uint8Array(0), 0, true, frame.endStream, last);
        return;
      case 'data-chunk':
        this.events.data(this, frame.streamId, frame.isPadding ? null : frame.bytes, frame.isPadding ? 0 : frame.bytes.length, frame.last, frame.endStream, last);
        return;
      case 'headers':
        this.startBlock(frame.streamId, frame.endStream, 0, first);
        this.addFragment(frame.fragment, frame.endHeaders, last);
        return;
      case 'push-promise':
        this.startBlock(frame.streamId, false, frame.promisedStreamId, first);
        this.addFragment(frame.fragment, frame.endHeaders, last);
        return;
      case 'continuation':
        this.addFragment(frame.fragment, frame.endHeaders, last);
        return;
      case 'skipped':
        // A header block too large to keep: its HPACK updates are lost with it.
        if (frame.frameType === 0x1 || frame.frameType === 0x5) this.startBlock(frame.streamId, frame.frameType === 0x1 && (frame.flags & 0x1) !== 0, 0, first);
        if (frame.frameType === 0x1 || frame.frameType === 0x5 || frame.frameType === 0x9) {
          this.blockLost = true;
          if ((frame.flags & 0x4) !== 0) this.finishBlock(last);
        }
        return;
      default:
        this.events.control(this, frame, first);
    }
  }

  private startBlock(streamId: number, endStream: boolean, promised: number, startNs: bigint): void {
    this.blockStream = streamId;
    this.blockEndStream = endStream;
    this.blockPromised = promised;
    this.blockLength = 0;
    this.blockLost = false;
    this.blockStartNs = startNs;
  }

  private addFragment(fragment: Uint8Array, endHeaders: boolean, endNs: bigint): void {
    if (endHeaders && this.blockLength === 0) {
      // The common case, a block in one frame: decode it in place, no copy.
      this.finishBlock(endNs, fragment);
      return;
    }
    const needed = this.blockLength + fragment.length;
    if (needed > this.opts.maxBufferedBytes) this.blockLost = true;
    if (!this.blockLost) {
      if (this.block === null || this.block.length < needed) {
        const next = new Uint8Array(Math.max(needed, 2 * (this.block?.length ?? 0), 1024));
        if (this.block !== null) next.set(this.block.subarray(0, this.blockLength));
        this.block = next;
      }
      this.block.set(fragment, this.blockLength);
      this.blockLength = needed;
    }
    if (endHeaders) this.finishBlock(endNs);
  }

  private finishBlock(endNs: bigint, whole?: Uint8Array): void {
    let block: Uint8Array | null = whole ?? this.block?.subarray(0, this.blockLength) ?? new Uint8Array(0);
    if (this.blockLost) {
      block = null;
      this.loseHpackState();
    }
    this.blockLength = 0;
    if (this.block !== null && this.block.length > 64 * 1024) this.block = null;
    this.events.headerBlock(this, this.blockStream, block, this.blockEndStream, this.blockPromised, this.blockStartNs, endNs);
  }

  /**
   * A chunk may start a frame when its first header is plausible and every
   * following header inside the chunk is too (one 9-byte match alone is weak).
   */
  private startsFrames(data: Uint8Array): boolean {
    let o = 0;
    let frames = 0;
    while (o + 9 <= data.length) {
      if (!plausibleFrameHeader(data, o, Math.max(DEFAULT_MAX_FRAME_SIZE, this.opts.maxBufferedBytes))) return false;
      o += 9 + (((data[o] ?? 0) << 16) | ((data[o + 1] ?? 0) << 8) | (data[o + 2] ?? 0));
      frames++;
    }
    return frames > 0;
  }
}

export function startsLikePreface(data: Uint8Array): boolean {
  const n = Math.min(data.length, PREFACE.length);
  for (let i = 0; i < n; i++) if (data[i] !== PREFACE[i]) return false;
  return true;
}

