const EMPTY = new Uint8Array(0);

/**
 * The unconsumed bytes of one direction of a connection, with the capture time
 * of every byte. A chunk is parsed in place when nothing is pending (no copy);
 * only the unconsumed tail is copied, and the caller caps how much may be held.
 */
export class StreamBuffer {
  private storage = new Uint8Array(0);
  private external: Uint8Array | null = null;
  private start = 0;
  private end = 0;
  // Capture time per run of bytes: byte i (relative to `start`) belongs to the
  // first segment whose `end` exceeds it. Offsets are absolute stream positions.
  private segmentEnds: number[] = [];
  private segmentTs: bigint[] = [];
  private base = 0; // absolute stream position of `start`
  /** view() until the pending bytes change: a parse loop asks for it once per step. */
  private cachedView: Uint8Array | null = null;

  get length(): number {
    return this.end - this.start;
  }

  /** Adds a chunk and returns every pending byte as one contiguous view. */
  append(data: Uint8Array, tsNs: bigint): Uint8Array {
    if (data.length > 0) {
      this.cachedView = null;
      if (this.length === 0 && this.external === null) {
        this.external = data;
        this.start = 0;
        this.end = data.length;
      } else {
        this.internalise(data.length);
        this.storage.set(data, this.end);
        this.end += data.length;
      }
      this.segmentEnds.push(this.base + this.length);
      this.segmentTs.push(tsNs);
    }
    return this.view();
  }

  /**
   * The pending bytes. A plain Uint8Array view even over a Buffer chunk: Buffer's own subarray costs a
   * species lookup and a FastBuffer per call. Empty when nothing is pending (a shared, zero-length view).
   */
  view(): Uint8Array {
    if (this.cachedView !== null) return this.cachedView;
    if (this.end === this.start) return EMPTY;
    const source = this.external ?? this.storage;
    this.cachedView = new Uint8Array(source.buffer, source.byteOffset + this.start, this.end - this.start);
    return this.cachedView;
  }

  /** Capture time of the pending byte at `offset`, or `fallback` when none is pending there. */
  tsAt(offset: number, fallback: bigint): bigint {
    const abs = this.base + offset;
    for (let i = 0; i < this.segmentEnds.length; i++) {
      if ((this.segmentEnds[i] ?? 0) > abs) return this.segmentTs[i] ?? fallback;
    }
    return fallback;
  }

  consume(n: number): void {
    const k = Math.min(n, this.length);
    if (k > 0) this.cachedView = null;
    this.start += k;
    this.base += k;
    let drop = 0;
    while (drop < this.segmentEnds.length && (this.segmentEnds[drop] ?? 0) <= this.base) drop++;
    if (drop === this.segmentEnds.length) {
      // Usually every segment is consumed: emptying in place spares splice's array of removed elements.
      if (drop > 0) {
        this.segmentEnds.length = 0;
        this.segmentTs.length = 0;
      }
    } else if (drop > 0) {
      this.segmentEnds.splice(0, drop);
      this.segmentTs.splice(0, drop);
    }
    if (this.length === 0) {
      this.external = null;
      this.start = 0;
      this.end = 0;
    }
  }

  /** Copies a borrowed chunk's tail before the caller reuses its memory. */
  detach(): void {
    if (this.external !== null) this.internalise(0);
  }

  clear(): void {
    this.consume(this.length);
  }

  private internalise(extra: number): void {
    const pending = this.view();
    this.cachedView = null;
    const needed = pending.length + extra;
    if (this.external === null) {
      if (this.end + extra <= this.storage.length) return;
      if (needed <= this.storage.length) {
        this.storage.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(needed, this.storage.length * 2, 256));
        next.set(pending, 0);
        this.storage = next;
      }
    } else {
      // `pending` views the borrowed chunk, never our storage, so copying is safe.
      if (needed > this.storage.length) this.storage = new Uint8Array(Math.max(needed, this.storage.length * 2, 256));
      this.storage.set(pending, 0);
      this.external = null;
    }
    this.start = 0;
    this.end = pending.length;
  }
}
