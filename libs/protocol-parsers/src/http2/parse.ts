import { NEED_MORE, frameResult, ignoredResult, invalidResult } from '../core/result.js';
import {
  DEFAULT_MAX_FRAME_SIZE, FLAG, FRAME_TYPE, type Http2Frame, type Http2FrameErrorCode, type Http2ParseResult, type Priority,
} from './types.js';

const HEADER_BYTES = 9;

export interface Http2FrameDecoderOptions {
  /** SETTINGS_MAX_FRAME_SIZE of the receiver: longer frames are `frame-too-large`. */
  maxFrameSize?: number;
  /**
   * Largest non-DATA payload held in memory; a longer one is reported as `skipped`
   * and its payload streamed past. Defaults to `maxFrameSize`.
   */
  maxBufferedPayload?: number;
}

/**
 * Bytes → HTTP/2 frames for one direction, strictly per RFC 9113 §4–6. Stateful only
 * while streaming a DATA (or skipped) payload and while a header block awaits its
 * CONTINUATION frames.
 */
export class Http2FrameDecoder {
  maxFrameSize: number;
  maxBufferedPayload: number;
  // Payload still to stream for the current DATA/skipped frame: data first, then padding.
  private dataLeft = 0;
  private padLeft = 0;
  private streamingId = 0;
  private streamingEnd = false;
  private streamingSkipped = false;
  /** Stream whose header block is open (HEADERS/PUSH_PROMISE without END_HEADERS), or 0. */
  private continuationOf = 0;

  constructor(opts: Http2FrameDecoderOptions = {}) {
    this.maxFrameSize = opts.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.maxBufferedPayload = opts.maxBufferedPayload ?? this.maxFrameSize;
  }

  /** Between frames, with no header block open: a safe point to resynchronise. */
  get atFrameBoundary(): boolean {
    return this.dataLeft + this.padLeft === 0 && !this.streamingSkipped && this.continuationOf === 0;
  }

  /** The DATA (or skipped) payload being streamed, or null between frames. */
  streamingInfo(): { streamId: number; dataLeft: number; endStream: boolean; skipped: boolean } | null {
    if (this.dataLeft + this.padLeft === 0) return null;
    return { streamId: this.streamingId, dataLeft: this.dataLeft, endStream: this.streamingEnd, skipped: this.streamingSkipped };
  }

  /**
   * Accounts `n` payload bytes a truncated capture lost, when they fall inside the
   * payload being streamed; false (nothing changed) when they would cross a frame header.
   */
  skipPayload(n: number): boolean {
    if (n > this.dataLeft + this.padLeft) return false;
    const fromData = Math.min(n, this.dataLeft);
    this.dataLeft -= fromData;
    this.padLeft -= n - fromData;
    if (this.dataLeft + this.padLeft === 0) this.streamingSkipped = false;
    return true;
  }

  reset(): void {
    this.dataLeft = 0;
    this.padLeft = 0;
    this.streamingSkipped = false;
    this.continuationOf = 0;
  }

  parse(b: Uint8Array): Http2ParseResult {
    if (this.dataLeft + this.padLeft > 0 || this.streamingSkipped) return this.stream(b);
    if (b.length < HEADER_BYTES) return NEED_MORE;
    const length = ((b[0] ?? 0) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0);
    const type = b[3] ?? 0;
    const flags = b[4] ?? 0;
    const streamId = readU31(b, 5);
    if (length > this.maxFrameSize) return invalidResult('frame-too-large', HEADER_BYTES);
    if (this.continuationOf !== 0 && (type !== FRAME_TYPE.CONTINUATION || streamId !== this.continuationOf)) {
      return invalidResult('continuation-expected', HEADER_BYTES);
    }
    if (this.continuationOf === 0 && type === FRAME_TYPE.CONTINUATION) return invalidResult('unexpected-continuation', HEADER_BYTES);
    const shape = checkShape(type, flags, streamId, length);
    if (shape !== null) return invalidResult(shape, HEADER_BYTES);
    if (type === FRAME_TYPE.DATA) return this.dataHeader(b, flags, streamId, length);
    if (type > FRAME_TYPE.CONTINUATION || length > this.maxBufferedPayload) {
      this.streamingSkipped = true;
      this.dataLeft = length;
      this.streamingId = streamId;
      this.streamingEnd = false;
      if (type === FRAME_TYPE.HEADERS || type === FRAME_TYPE.PUSH_PROMISE || type === FRAME_TYPE.CONTINUATION) {
        // The block is lost either way; what follows must still be its CONTINUATIONs.
        this.continuationOf = (flags & FLAG.END_HEADERS) === 0 ? streamId : 0;
      }
      if (length === 0) this.streamingSkipped = false;
      return frameResult({ type: 'skipped', frameType: type, streamId, length, flags }, HEADER_BYTES);
    }
    if (b.length < HEADER_BYTES + length) return NEED_MORE;
    const r = this.payload(b, type, flags, streamId, length);
    return typeof r === 'string' ? invalidResult(r, HEADER_BYTES + length) : frameResult(r, HEADER_BYTES + length);
  }

  private dataHeader(b: Uint8Array, flags: number, streamId: number, length: number): Http2ParseResult {
    const padded = (flags & FLAG.PADDED) !== 0;
    let padLength = 0;
    if (padded) {
      if (b.length < HEADER_BYTES + 1) return NEED_MORE;
      padLength = b[HEADER_BYTES] ?? 0;
      if (padLength >= length) return invalidResult('invalid-padding', HEADER_BYTES + 1);
    }
    const dataLength = length - (padded ? 1 : 0) - padLength;
    this.dataLeft = dataLength;
    this.padLeft = padLength;
    this.streamingId = streamId;
    this.streamingEnd = (flags & FLAG.END_STREAM) !== 0;
    const frame: Http2Frame = {
      type: 'data', streamId, endStream: this.streamingEnd, length, padLength, dataLength, complete: dataLength + padLength === 0,
    };
    return frameResult(frame, HEADER_BYTES + (padded ? 1 : 0));
  }

  private stream(b: Uint8Array): Http2ParseResult {
    if (b.length === 0) return NEED_MORE;
    const isPadding = this.dataLeft === 0;
    const left = isPadding ? this.padLeft : this.dataLeft;
    const n = Math.min(left, b.length);
    if (isPadding) this.padLeft -= n;
    else this.dataLeft -= n;
    const last = this.dataLeft + this.padLeft === 0;
    if (this.streamingSkipped) {
      if (last) this.streamingSkipped = false;
      return ignoredResult(n);
    }
    const frame: Http2Frame = {
      type: 'data-chunk', streamId: this.streamingId, bytes: b.subarray(0, n), isPadding, last, endStream: this.streamingEnd,
    };
    return frameResult(frame, n);
  }

  private payload(b: Uint8Array, type: number, flags: number, streamId: number, length: number): Http2Frame | Http2FrameErrorCode {
    const p = HEADER_BYTES;
    const end = p + length;
    switch (type) {
      case FRAME_TYPE.HEADERS: {
        const padded = (flags & FLAG.PADDED) !== 0;
        const hasPriority = (flags & FLAG.PRIORITY) !== 0;
        const padLength = padded ? b[p] ?? 0 : 0;
        let o = p + (padded ? 1 : 0);
        if (o + (hasPriority ? 5 : 0) + padLength > end) return 'invalid-padding';
        const priority = hasPriority ? readPriority(b, o) : null;
        if (hasPriority) o += 5;
        this.continuationOf = (flags & FLAG.END_HEADERS) === 0 ? streamId : 0;
        return {
          type: 'headers', streamId, endStream: (flags & FLAG.END_STREAM) !== 0, endHeaders: this.continuationOf === 0,
          padLength, priority, fragment: b.subarray(o, end - padLength),
        };
      }
      case FRAME_TYPE.PRIORITY:
        return { type: 'priority', streamId, priority: readPriority(b, p) };
      case FRAME_TYPE.RST_STREAM:
        return { type: 'rst-stream', streamId, errorCode: readU32(b, p) };
      case FRAME_TYPE.SETTINGS: {
        const settings: Array<readonly [number, number]> = [];
        for (let o = p; o < end; o += 6) {
          const id = ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
          const value = readU32(b, o + 2);
          if (!validSetting(id, value)) return 'invalid-setting-value';
          settings.push([id, value]);
        }
        return { type: 'settings', ack: (flags & FLAG.ACK) !== 0, settings };
      }
      case FRAME_TYPE.PUSH_PROMISE: {
        const padded = (flags & FLAG.PADDED) !== 0;
        const padLength = padded ? b[p] ?? 0 : 0;
        const o = p + (padded ? 1 : 0);
        if (o + 4 + padLength > end) return 'invalid-padding';
        const promisedStreamId = readU31(b, o);
        if (promisedStreamId === 0 || promisedStreamId % 2 === 1) return 'invalid-promised-stream';
        this.continuationOf = (flags & FLAG.END_HEADERS) === 0 ? streamId : 0;
        return {
          type: 'push-promise', streamId, endHeaders: this.continuationOf === 0, padLength, promisedStreamId,
          fragment: b.subarray(o + 4, end - padLength),
        };
      }
      case FRAME_TYPE.PING:
        return { type: 'ping', ack: (flags & FLAG.ACK) !== 0, opaque: b.subarray(p, end) };
      case FRAME_TYPE.GOAWAY:
        return { type: 'goaway', lastStreamId: readU31(b, p), errorCode: readU32(b, p + 4), debugData: b.subarray(p + 8, end) };
      case FRAME_TYPE.WINDOW_UPDATE: {
        const increment = readU31(b, p);
        return increment === 0 ? 'zero-window-increment' : { type: 'window-update', streamId, increment };
      }
      default: {
        // CONTINUATION: `checkShape` rejected it unless a block is open on this stream.
        this.continuationOf = (flags & FLAG.END_HEADERS) === 0 ? streamId : 0;
        return { type: 'continuation', streamId, endHeaders: this.continuationOf === 0, fragment: b.subarray(p, end) };
      }
    }
  }
}

/** Rules that the 9-byte header alone decides (stream id and length per type). */
function checkShape(type: number, flags: number, streamId: number, length: number): Http2FrameErrorCode | null {
  switch (type) {
    case FRAME_TYPE.DATA:
    case FRAME_TYPE.HEADERS:
    case FRAME_TYPE.PUSH_PROMISE:
      if (streamId === 0) return 'stream-id-required';
      return (flags & FLAG.PADDED) !== 0 && length === 0 ? 'invalid-padding' : null;
    case FRAME_TYPE.CONTINUATION:
      return streamId === 0 ? 'stream-id-required' : null;
    case FRAME_TYPE.PRIORITY:
      if (streamId === 0) return 'stream-id-required';
      return length === 5 ? null : 'invalid-frame-length';
    case FRAME_TYPE.RST_STREAM:
      if (streamId === 0) return 'stream-id-required';
      return length === 4 ? null : 'invalid-frame-length';
    case FRAME_TYPE.SETTINGS:
      if (streamId !== 0) return 'stream-id-forbidden';
      if ((flags & FLAG.ACK) !== 0) return length === 0 ? null : 'invalid-frame-length';
      return length % 6 === 0 ? null : 'invalid-frame-length';
    case FRAME_TYPE.PING:
      if (streamId !== 0) return 'stream-id-forbidden';
      return length === 8 ? null : 'invalid-frame-length';
    case FRAME_TYPE.GOAWAY:
      if (streamId !== 0) return 'stream-id-forbidden';
      return length >= 8 ? null : 'invalid-frame-length';
    case FRAME_TYPE.WINDOW_UPDATE:
      return length === 4 ? null : 'invalid-frame-length';
    default:
      return null;
  }
}

/**
 * Whether 9 bytes at `at` can start a frame we may resynchronise on: a known type
 * other than CONTINUATION (which needs the block before it), only defined flags, the
 * reserved bit clear and a legal stream id and length for the type.
 */
export function plausibleFrameHeader(b: Uint8Array, at: number, maxLength: number): boolean {
  if (b.length < at + HEADER_BYTES) return false;
  const length = ((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0);
  const type = b[at + 3] ?? 0;
  const flags = b[at + 4] ?? 0;
  if (((b[at + 5] ?? 0) & 0x80) !== 0 || length > maxLength || type >= FRAME_TYPE.CONTINUATION) return false;
  if ((flags & ~(VALID_FLAGS[type] ?? 0)) !== 0) return false;
  return checkShape(type, flags, readU31(b, at + 5), length) === null;
}

// Flags each type defines; anything else set marks bytes that are not a frame header.
const VALID_FLAGS: readonly number[] = [
  FLAG.END_STREAM | FLAG.PADDED,
  FLAG.END_STREAM | FLAG.END_HEADERS | FLAG.PADDED | FLAG.PRIORITY,
  0, 0, FLAG.ACK, FLAG.END_HEADERS | FLAG.PADDED, FLAG.ACK, 0, 0, FLAG.END_HEADERS,
];

function validSetting(id: number, value: number): boolean {
  if (id === 2) return value <= 1; // ENABLE_PUSH
  if (id === 4) return value <= 0x7fffffff; // INITIAL_WINDOW_SIZE
  if (id === 5) return value >= 16_384 && value <= 16_777_215; // MAX_FRAME_SIZE
  return true;
}

function readPriority(b: Uint8Array, o: number): Priority {
  return { exclusive: ((b[o] ?? 0) & 0x80) !== 0, streamDependency: readU31(b, o), weight: (b[o + 4] ?? 0) + 1 };
}

function readU32(b: Uint8Array, o: number): number {
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}

function readU31(b: Uint8Array, o: number): number {
  return readU32(b, o) & 0x7fffffff;
}
