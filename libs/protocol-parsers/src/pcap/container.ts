// Classic pcap and pcapng containers → frames. Every read is bounds-checked: a damaged file ends the
// iteration (counted as `truncated-file`/`bad-block`) instead of throwing.
import type { CaptureFormat, CaptureFrame, SkipReason } from './types.js';

export type SkipCounter = (reason: SkipReason) => void;

export interface OpenedCapture {
  format: CaptureFormat | null;
  error: string | null;
  frames: Iterable<CaptureFrame>;
}

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

/** Recognises the container from its magic number; frames are read lazily as the result is iterated. */
export function openCapture(bytes: Uint8Array, skip: SkipCounter = () => undefined): OpenedCapture {
  if (bytes.length < 4) return { format: null, error: `file has ${bytes.length} bytes, too short for a capture header`, frames: [] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const be = view.getUint32(0, false);
  const le = view.getUint32(0, true);
  if (be === PCAPNG_SHB) return { format: 'pcapng', error: null, frames: pcapngFrames(bytes, view, skip) };
  for (const [magic, littleEndian] of [[le, true], [be, false]] as const) {
    if (magic === PCAP_US || magic === PCAP_NS) {
      if (bytes.length < 24) return { format: 'pcap', error: 'pcap file header is cut short (needs 24 bytes)', frames: [] };
      return { format: 'pcap', error: null, frames: pcapFrames(bytes, view, littleEndian, magic === PCAP_NS, skip) };
    }
  }
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  return { format: null, error: `not a pcap or pcapng file (magic 0x${hex}); convert it with editcap or tshark -F pcapng`, frames: [] };
}

function* pcapFrames(bytes: Uint8Array, view: DataView, le: boolean, nanos: boolean, skip: SkipCounter): Generator<CaptureFrame> {
  // The upper bits of the link-type field may carry FCS information (pcap-savefile(5)).
  const linkType = view.getUint32(20, le) & 0x0fffffff;
  const fracToNs = nanos ? 1n : 1000n;
  let off = 24;
  let index = 0;
  while (off < bytes.length) {
    if (off + 16 > bytes.length) {
      skip('truncated-file');
      return;
    }
    const sec = view.getUint32(off, le);
    const frac = view.getUint32(off + 4, le);
    const caplen = view.getUint32(off + 8, le);
    const origlen = view.getUint32(off + 12, le);
    const start = off + 16;
    if (start + caplen > bytes.length) {
      skip('truncated-file');
      return;
    }
    off = start + caplen;
    index++;
    yield {
      index, linkType, tsNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * fracToNs,
      data: bytes.subarray(start, start + caplen), originalLength: Math.max(origlen, caplen),
    };
  }
}

interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Timestamp units → ns: multiply by `mul`, divide by `div` (both powers of 10, or `div` a power of 2). */
  mul: bigint;
  div: bigint;
  offsetNs: bigint;
}

function* pcapngFrames(bytes: Uint8Array, view: DataView, skip: SkipCounter): Generator<CaptureFrame> {
  let le = true;
  let interfaces: PcapngInterface[] = [];
  let off = 0;
  let index = 0;
  // A Simple Packet Block has no timestamp: it inherits the previous packet's time.
  let lastTsNs = 0n;
  while (off < bytes.length) {
    if (off + 12 > bytes.length) {
      skip('truncated-file');
      return;
    }
    const rawType = view.getUint32(off, le);
    if (rawType === PCAPNG_SHB || view.getUint32(off, !le) === PCAPNG_SHB) {
      // A new section may switch byte order; its interfaces replace the previous section's.
      if (off + 16 > bytes.length) {
        skip('truncated-file');
        return;
      }
      le = view.getUint32(off + 8, true) === PCAPNG_BYTE_ORDER;
      interfaces = [];
    }
    const type = view.getUint32(off, le);
    const length = view.getUint32(off + 4, le);
    if (length < 12 || length % 4 !== 0) {
      skip('bad-block');
      return;
    }
    if (off + length > bytes.length) {
      skip('truncated-file');
      return;
    }
    const body = off + 8;
    const bodyEnd = off + length - 4;
    off += length;
    if (type === 1) {
      if (bodyEnd - body < 8) {
        skip('bad-block');
        continue;
      }
      interfaces.push(readInterface(bytes, view, le, body, bodyEnd));
    } else if (type === 6 || type === 2) {
      // Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id + drop count).
      if (bodyEnd - body < 20) {
        skip('bad-block');
        continue;
      }
      const ifId = type === 6 ? view.getUint32(body, le) : view.getUint16(body, le);
      const iface = interfaces[ifId];
      const caplen = view.getUint32(body + 12, le);
      const origlen = view.getUint32(body + 16, le);
      if (iface === undefined || body + 20 + caplen > bodyEnd) {
        skip('bad-block');
        continue;
      }
      const units = (BigInt(view.getUint32(body + 4, le)) << 32n) | BigInt(view.getUint32(body + 8, le));
      lastTsNs = (units * iface.mul) / iface.div + iface.offsetNs;
      index++;
      yield {
        index, linkType: iface.linkType, tsNs: lastTsNs,
        data: bytes.subarray(body + 20, body + 20 + caplen), originalLength: Math.max(origlen, caplen),
      };
    } else if (type === 3) {
      const iface = interfaces[0];
      if (iface === undefined || bodyEnd - body < 4) {
        skip('bad-block');
        continue;
      }
      const origlen = view.getUint32(body, le);
      let caplen = Math.min(origlen, bodyEnd - body - 4);
      if (iface.snapLength > 0) caplen = Math.min(caplen, iface.snapLength);
      index++;
      yield { index, linkType: iface.linkType, tsNs: lastTsNs, data: bytes.subarray(body + 4, body + 4 + caplen), originalLength: origlen };
    }
    // Other blocks (name resolution, statistics, secrets, custom) carry no packets.
  }
}

function readInterface(bytes: Uint8Array, view: DataView, le: boolean, body: number, bodyEnd: number): PcapngInterface {
  const iface: PcapngInterface = { linkType: view.getUint16(body, le), snapLength: view.getUint32(body + 4, le), mul: 1000n, div: 1n, offsetNs: 0n };
  let o = body + 8;
  while (o + 4 <= bodyEnd) {
    const code = view.getUint16(o, le);
    const len = view.getUint16(o + 2, le);
    const value = o + 4;
    if (code === 0 || value + len > bodyEnd) break;
    if (code === 9 && len >= 1) {
      // if_tsresol: high bit clear → 10^-n seconds per unit, set → 2^-n.
      const r = bytes[value] ?? 6;
      const n = r & 0x7f;
      if (r & 0x80) {
        iface.mul = 1_000_000_000n;
        iface.div = 1n << BigInt(n);
      } else if (n <= 9) {
        iface.mul = 10n ** BigInt(9 - n);
        iface.div = 1n;
      } else {
        iface.mul = 1n;
        iface.div = 10n ** BigInt(n - 9);
      }
    } else if (code === 14 && len >= 8) {
      iface.offsetNs = view.getBigInt64(value, le) * 1_000_000_000n;
    }
    o = value + ((len + 3) & ~3);
  }
  return iface;
}
