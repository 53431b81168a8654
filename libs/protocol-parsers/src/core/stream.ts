/** One syscall's worth of bytes of one direction of a connection. */
export interface StreamChunk {
  /** The bytes captured: the first `data.length` bytes the syscall moved. */
  data: Uint8Array;
  /** Bytes the syscall moved; larger than `data.length` when the capture was truncated. */
  size: number;
  /** When the syscall happened (monotonic clock, nanoseconds). */
  tsNs: bigint;
}

export type StreamDirection = 'request' | 'response';

/**
 * The bytes a truncated capture lost after `chunk.data` (the kernel kept only the head of the syscall),
 * counted once for every stitcher the same way. Stitchers skip a gap inside a body and resync otherwise.
 */
export function countCaptureGap(chunk: StreamChunk, counters: { truncatedGaps: number; bytesSkipped: number }): number {
  const gap = Math.max(chunk.size, chunk.data.length) - chunk.data.length;
  if (gap > 0) {
    counters.truncatedGaps++;
    counters.bytesSkipped += gap;
  }
  return gap;
}
