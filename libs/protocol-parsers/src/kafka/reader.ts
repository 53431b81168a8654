/**
 * A bounds-checked cursor over one Kafka frame. Reading past the end never throws: it sets
 * `failed`, returns zero/empty values, and every later read fails too, so decoders read straight
 * through and check `failed` once. Lengths from the wire are checked against the bytes left before
 * anything is allocated.
 */
export class KafkaReader {
  pos: number;
  failed = false;

  constructor(readonly b: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): boolean {
    if (this.failed || n < 0 || this.pos + n > this.end) {
      this.failed = true;
      return false;
    }
    return true;
  }

  skip(n: number): void {
    if (this.need(n)) this.pos += n;
  }

  int8(): number {
    if (!this.need(1)) return 0;
    const v = this.b[this.pos] ?? 0;
    this.pos += 1;
    return v > 127 ? v - 256 : v;
  }

  int16(): number {
    if (!this.need(2)) return 0;
    const v = ((this.b[this.pos] ?? 0) << 8) | (this.b[this.pos + 1] ?? 0);
    this.pos += 2;
    return v > 0x7fff ? v - 0x10000 : v;
  }

  int32(): number {
    if (!this.need(4)) return 0;
    const p = this.pos;
    this.pos += 4;
    return ((this.b[p] ?? 0) << 24) | ((this.b[p + 1] ?? 0) << 16) | ((this.b[p + 2] ?? 0) << 8) | (this.b[p + 3] ?? 0);
  }

  /** Unsigned varint (at most 5 bytes, 32 bits), as flexible versions encode lengths and counts. */
  uvarint(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (!this.need(1)) return 0;
      const c = this.b[this.pos++] ?? 0;
      v += (c & 0x7f) * 2 ** shift;
      if ((c & 0x80) === 0) return v > 0xffffffff ? this.fail() : v;
    }
    return this.fail();
  }

  /** Zig-zag varint (records use it for lengths, -1 = null); varlongs up to 10 bytes are skipped the same way. */
  varint(): number {
    const u = this.uvarintLong();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  private uvarintLong(): number {
    let v = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (!this.need(1)) return 0;
      const c = this.b[this.pos++] ?? 0;
      // Past 2^53 precision is lost; only lengths (small) are ever used, timestamps are skipped.
      v += (c & 0x7f) * 2 ** shift;
      if ((c & 0x80) === 0) return v;
    }
    return this.fail();
  }

  fail(): 0 {
    this.failed = true;
    return 0;
  }

  /** Text of `n` bytes (Kafka strings are UTF-8; names are short, capped by the caller). */
  text(n: number, max: number): string {
    if (n > max) {
      this.skip(n);
      return '';
    }
    if (!this.need(n)) return '';
    // Names are almost always ASCII; TextDecoder costs more than the loop for short strings.
    let s = '';
    for (let i = this.pos; i < this.pos + n; i++) {
      const c = this.b[i] ?? 0;
      if (c >= 0x80) {
        s = DECODER.decode(this.b.subarray(this.pos, this.pos + n));
        break;
      }
      s += String.fromCharCode(c);
    }
    this.pos += n;
    return s;
  }

  /** STRING / NULLABLE_STRING (int16 length, -1 = null) or, when `compact`, COMPACT_(NULLABLE_)STRING. */
  string(compact: boolean, max = MAX_NAME_BYTES): string | null {
    const n = compact ? this.uvarint() - 1 : this.int16();
    if (n < 0) return n === -1 ? null : this.fail() || null;
    return this.text(n, max);
  }

  skipString(compact: boolean): void {
    const n = compact ? this.uvarint() - 1 : this.int16();
    if (n > 0) this.skip(n);
    else if (n < -1) this.fail();
  }

  /** BYTES / NULLABLE_BYTES or COMPACT_(NULLABLE_)BYTES: returns [start, end) or null. */
  bytes(compact: boolean): [number, number] | null {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < 0) {
      if (n !== -1) this.fail();
      return null;
    }
    const start = this.pos;
    this.skip(n);
    return this.failed ? null : [start, start + n];
  }

  /**
   * An ARRAY / COMPACT_ARRAY count, -1 for null. A count that could not fit in the bytes left
   * (each element takes at least `minElementBytes`) fails instead of driving a loop.
   */
  arrayLength(compact: boolean, minElementBytes = 1): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < -1 || n * minElementBytes > this.remaining) return this.fail() || -1;
    return n;
  }

  /** TAGGED_FIELDS: a count, then (tag, size, bytes) each; the contents are never needed here. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    if (count > this.remaining) {
      this.fail();
      return;
    }
    for (let i = 0; i < count && !this.failed; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }

  uuidHex(): string {
    if (!this.need(16)) return '';
    let s = '';
    for (let i = 0; i < 16; i++) s += (this.b[this.pos + i] ?? 0).toString(16).padStart(2, '0');
    this.pos += 16;
    return s;
  }
}

/** Topic names are at most 249 characters; client ids and other names are capped the same way. */
export const MAX_NAME_BYTES = 1024;

const DECODER = new TextDecoder('utf-8', { fatal: false });
