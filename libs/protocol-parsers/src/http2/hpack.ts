import { huffmanDecode } from './huffman.js';
import { STATIC_TABLE } from './static-table.js';
import type { HpackErrorCode } from './types.js';

/**
 * Receives each field of a block in order. `name`/`value` are null when the field
 * refers to dynamic-table entries this decoder never saw (a capture that started
 * after the connection did): unknown, never guessed.
 */
export type HeaderSink = (name: string | null, value: string | null, neverIndexed: boolean) => void;

export interface HpackDecoderOptions {
  /** SETTINGS_HEADER_TABLE_SIZE the decoding endpoint announced (default 4096). */
  tableSizeLimit?: number;
  /** False when decoding starts mid-connection: older dynamic entries are unknown. */
  synced?: boolean;
  /** RFC 9113 header list size (name + value + 32 per field) handed to the sink; the rest is decoded but dropped. */
  maxHeaderListBytes?: number;
}

const ENTRY_OVERHEAD = 32;
const STATIC_COUNT = STATIC_TABLE.length;
const DEFAULT_TABLE_SIZE = 4096;
const DEFAULT_MAX_HEADER_LIST_BYTES = 64 * 1024;
const utf8Decoder = new TextDecoder();

/**
 * HPACK decoder (RFC 7541) with its dynamic table, for one direction of one
 * connection. Blocks must be decoded in wire order, each whole (after CONTINUATION
 * assembly). After an error the table may be half-updated: the connection's
 * compression state is lost, as it would be for a real endpoint.
 */
export class HpackDecoder {
  tableSizeLimit: number;
  readonly maxHeaderListBytes: number;
  /** False until the table's whole content is known (a size update to 0 proves it empty). */
  synced: boolean;
  /** Fields of the last block with unknown name or value. */
  lastUnknown = 0;
  /** The last block exceeded `maxHeaderListBytes`; fields past the cap were not handed out. */
  lastOverflow = false;
  private maxSize: number;
  private size = 0;
  // Ring buffer of entries, newest at (head + count - 1).
  private names: Array<string | null> = new Array<string | null>(16);
  private values: Array<string | null> = new Array<string | null>(16);
  private sizes = new Int32Array(16);
  private nameSizes = new Int32Array(16);
  /** While unsynced: an entry of unknown size was added, so fullness proves nothing. */
  private sizeUncertain = false;
  private head = 0;
  private count = 0;
  private pos = 0;
  private scratch = new Uint8Array(256);

  constructor(opts: HpackDecoderOptions = {}) {
    this.tableSizeLimit = opts.tableSizeLimit ?? DEFAULT_TABLE_SIZE;
    this.maxSize = this.tableSizeLimit;
    this.synced = opts.synced ?? true;
    this.maxHeaderListBytes = opts.maxHeaderListBytes ?? DEFAULT_MAX_HEADER_LIST_BYTES;
  }

  /** Entries known, newest first (for tests and diagnostics). */
  get dynamicEntries(): number {
    return this.count;
  }

  get dynamicTableSize(): number {
    return this.size;
  }

  clone(): HpackDecoder {
    const c = new HpackDecoder({ tableSizeLimit: this.tableSizeLimit, synced: this.synced, maxHeaderListBytes: this.maxHeaderListBytes });
    c.maxSize = this.maxSize;
    c.size = this.size;
    c.names = this.names.slice();
    c.values = this.values.slice();
    c.sizes = this.sizes.slice();
    c.nameSizes = this.nameSizes.slice();
    c.sizeUncertain = this.sizeUncertain;
    c.head = this.head;
    c.count = this.count;
    return c;
  }

  decode(block: Uint8Array, sink: HeaderSink): HpackErrorCode | null {
    this.pos = 0;
    this.lastUnknown = 0;
    this.lastOverflow = false;
    let listBytes = 0;
    let fieldsSeen = false;
    const end = block.length;
    while (this.pos < end) {
      const first = block[this.pos] ?? 0;
      let name: string | null;
      let value: string | null;
      let nameBytes: number;
      let valueBytes: number;
      let neverIndexed = false;
      if (first >= 0x80) {
        // Indexed field (§6.1).
        const i = this.readInt(block, 7);
        if (i < 0) return 'hpack-invalid-integer';
        if (i === 0) return 'hpack-invalid-index';
        if (i <= STATIC_COUNT) {
          const e = STATIC_TABLE[i - 1] ?? ['', ''];
          name = e[0];
          value = e[1];
          nameBytes = name.length;
          valueBytes = value.length;
        } else {
          const slot = this.slotOf(i - STATIC_COUNT);
          if (slot === -2) return 'hpack-invalid-index';
          if (slot === -1) {
            this.lastUnknown++;
            fieldsSeen = true;
            if (listBytes + ENTRY_OVERHEAD <= this.maxHeaderListBytes) sink(null, null, false);
            continue;
          }
          name = this.names[slot] ?? null;
          value = this.values[slot] ?? null;
          nameBytes = this.nameSizes[slot] ?? 0;
          valueBytes = (this.sizes[slot] ?? ENTRY_OVERHEAD) - ENTRY_OVERHEAD - nameBytes;
        }
      } else if (first >= 0x40 || first < 0x20) {
        // Literal with incremental indexing (§6.2.1), without indexing or never indexed (§6.2.2-3).
        const index = first >= 0x40;
        neverIndexed = !index && first >= 0x10;
        const i = this.readInt(block, index ? 6 : 4);
        if (i < 0) return 'hpack-invalid-integer';
        if (i === 0) {
          const n = this.readString(block);
          if (n === null) return this.stringError;
          name = n;
          nameBytes = this.lastStringBytes;
        } else if (i <= STATIC_COUNT) {
          name = STATIC_TABLE[i - 1]?.[0] ?? '';
          nameBytes = name.length;
        } else {
          const slot = this.slotOf(i - STATIC_COUNT);
          if (slot === -2) return 'hpack-invalid-index';
          name = slot === -1 ? null : this.names[slot] ?? null;
          nameBytes = slot === -1 ? -1 : this.nameSizes[slot] ?? 0;
        }
        const v = this.readString(block);
        if (v === null) return this.stringError;
        value = v;
        valueBytes = this.lastStringBytes;
        if (index) {
          if (nameBytes < 0) this.sizeUncertain = true;
          this.insert(name, value, Math.max(nameBytes, 0), valueBytes);
        }
      } else {
        // Dynamic table size update (§6.3): only before the first field of a block.
        if (fieldsSeen) return 'hpack-late-size-update';
        const size = this.readInt(block, 5);
        if (size < 0) return 'hpack-invalid-integer';
        if (size > this.tableSizeLimit) return 'hpack-table-size-too-large';
        this.maxSize = size;
        this.evictTo(size);
        if (size === 0) {
          this.synced = true;
          this.sizeUncertain = false;
        }
        continue;
      }
      fieldsSeen = true;
      if (name === null || value === null) this.lastUnknown++;
      listBytes += Math.max(nameBytes, 0) + valueBytes + ENTRY_OVERHEAD;
      if (listBytes > this.maxHeaderListBytes) {
        this.lastOverflow = true;
        continue;
      }
      sink(name, value, neverIndexed);
    }
    return null;
  }

  /** Ring slot of dynamic index `d` (1 = newest); -1 unknown (unsynced), -2 invalid. */
  private slotOf(d: number): number {
    if (d <= this.count) return (this.head + this.count - d) & (this.names.length - 1);
    // An unsynced table may hold up to maxSize / 32 older entries we never saw.
    return !this.synced && d <= Math.max(this.maxSize, this.tableSizeLimit) / ENTRY_OVERHEAD ? -1 : -2;
  }

  private insert(name: string | null, value: string, nameBytes: number, valueBytes: number): void {
    const size = nameBytes + valueBytes + ENTRY_OVERHEAD;
    if (size > this.maxSize) {
      // §4.4: an entry larger than the table empties it and is not added.
      this.evictTo(0);
      if (!this.sizeUncertain) this.synced = true;
      return;
    }
    this.evictTo(this.maxSize - size);
    if (this.count === this.names.length) this.grow();
    const slot = (this.head + this.count) & (this.names.length - 1);
    this.names[slot] = name;
    this.values[slot] = value;
    this.sizes[slot] = size;
    this.nameSizes[slot] = nameBytes;
    this.count++;
    this.size += size;
    // Unknown older entries take at least 32 bytes each: once ours leave less room
    // than that, none can remain and the whole table is known.
    if (!this.synced && !this.sizeUncertain && this.size + ENTRY_OVERHEAD > this.maxSize) this.synced = true;
  }

  private evictTo(limit: number): void {
    while (this.size > limit && this.count > 0) {
      this.size -= this.sizes[this.head] ?? 0;
      this.names[this.head] = null;
      this.values[this.head] = null;
      this.head = (this.head + 1) & (this.names.length - 1);
      this.count--;
    }
  }

  private grow(): void {
    const n = this.names.length * 2;
    const names = new Array<string | null>(n);
    const values = new Array<string | null>(n);
    const sizes = new Int32Array(n);
    const nameSizes = new Int32Array(n);
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head + k) & (this.names.length - 1);
      names[k] = this.names[slot] ?? null;
      values[k] = this.values[slot] ?? null;
      sizes[k] = this.sizes[slot] ?? 0;
      nameSizes[k] = this.nameSizes[slot] ?? 0;
    }
    this.names = names;
    this.values = values;
    this.sizes = sizes;
    this.nameSizes = nameSizes;
    this.head = 0;
  }

  /** RFC 7541 §5.1 integer with an N-bit prefix; -1 when truncated or above 2^31. */
  private readInt(b: Uint8Array, prefixBits: number): number {
    const max = (1 << prefixBits) - 1;
    let value = (b[this.pos++] ?? 0) & max;
    if (value < max) return value;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (this.pos >= b.length) return -1;
      const byte = b[this.pos++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value > 0x7fffffff ? -1 : value;
    }
    return -1;
  }

  private lastStringBytes = 0;
  private stringError: HpackErrorCode = 'hpack-truncated';

  /** RFC 7541 §5.2 string literal, plain or Huffman-coded; null (reason in `stringError`) when broken. */
  private readString(b: Uint8Array): string | null {
    this.stringError = 'hpack-truncated';
    if (this.pos >= b.length) return null;
    const huffman = ((b[this.pos] ?? 0) & 0x80) !== 0;
    const length = this.readInt(b, 7);
    if (length < 0) {
      this.stringError = 'hpack-invalid-integer';
      return null;
    }
    const start = this.pos;
    const end = start + length;
    if (end > b.length) return null;
    this.pos = end;
    if (!huffman) {
      this.lastStringBytes = length;
      return bytesToString(b, start, end);
    }
    const need = Math.ceil((length * 8) / 5);
    if (this.scratch.length < need) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
    const n = huffmanDecode(b, start, end, this.scratch);
    if (n < 0) {
      this.stringError = 'hpack-invalid-huffman';
      return null;
    }
    this.lastStringBytes = n;
    return bytesToString(this.scratch, 0, n);
  }
}

/** ASCII (nearly every header) without TextDecoder's call overhead; UTF-8 otherwise. */
function bytesToString(b: Uint8Array, start: number, end: number): string {
  if (end - start > 1024) return utf8Decoder.decode(b.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i] ?? 0;
    if (c >= 0x80) return utf8Decoder.decode(b.subarray(start, end));
    s += String.fromCharCode(c);
  }
  return s;
}
