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

  get length(): number {
    return this.end - this.start;
  }

  /** Adds a chunk and returns every pending byte as one contiguous view. */
  append(data: Uint8Array, tsNs: bigint): Uint8Array {
    if (data.length > 0) {
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

  view(): Uint8Array {
    const source = this.external ?? this.storage;
    return source.subarray(this.start, this.end);
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
    this.start += k;
    this.base += k;
    let drop = 0;
    while (drop < this.segmentEnds.length && (this.segmentEnds[drop] ?? 0) <= this.base) drop++;
    if (drop > 0) {
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
