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
