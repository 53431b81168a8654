// Test-only capture writers: re-encode frames read from the corpus in the container variants and link
// types the corpus lacks (big-endian and nanosecond pcap, pcapng SPB and binary if_tsresol, SLL2 …), so the
// reader is proven on the same packets in every encoding.

export interface WrittenFrame {
  linkType: number;
  tsNs: bigint;
  data: Uint8Array;
  originalLength: number;
}

export function writeClassicPcap(frames: readonly WrittenFrame[], opts: { littleEndian: boolean; nanos: boolean }): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const le = opts.littleEndian;
  v.setUint32(0, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, 262144, le);
  v.setUint32(20, frames[0]?.linkType ?? 1, le);
  let off = 24;
  for (const f of frames) {
    const unit = opts.nanos ? 1n : 1000n;
    v.setUint32(off, Number(f.tsNs / 1_000_000_000n), le);
    v.setUint32(off + 4, Number((f.tsNs % 1_000_000_000n) / unit), le);
    v.setUint32(off + 8, f.data.length, le);
    v.setUint32(off + 12, f.originalLength, le);
    out.set(f.data, off + 16);
    off += 16 + f.data.length;
  }
  return out;
}

/**
 * pcapng with one section in the given byte order. Each distinct link type gets an interface; `tsresol`
 * is the raw if_tsresol byte (e.g. 6 = µs, 9 = ns, 0x94 = 2^-20 s). With `simple`, packets go in Simple
 * Packet Blocks (no timestamp), which only works with a single interface.
 */
export function writePcapng(
  frames: readonly WrittenFrame[], opts: { littleEndian: boolean; tsresol: number; simple?: boolean },
): Uint8Array {
  const le = opts.littleEndian;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const padded = (body.length + 3) & ~3;
    const b = new Uint8Array(12 + padded);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, le);
    v.setUint32(4, b.length, le);
    b.set(body, 8);
    v.setUint32(b.length - 4, b.length, le);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setBigInt64(8, -1n, le);
  block(0x0a0d0d0a, shb);
  const ifaces = new Map<number, number>();
  for (const f of frames) {
    if (ifaces.has(f.linkType)) continue;
    ifaces.set(f.linkType, ifaces.size);
    const idb = new Uint8Array(20);
    const iv = new DataView(idb.buffer);
    iv.setUint16(0, f.linkType, le);
    iv.setUint32(4, 0, le);
    iv.setUint16(8, 9, le); // if_tsresol
    iv.setUint16(10, 1, le);
    idb[12] = opts.tsresol;
    // bytes 16..19: opt_endofopt
    block(1, idb);
  }
  const unitsPerSecond = opts.tsresol & 0x80 ? 2n ** BigInt(opts.tsresol & 0x7f) : 10n ** BigInt(opts.tsresol);
  for (const f of frames) {
    if (opts.simple) {
      const body = new Uint8Array(4 + f.data.length);
      new DataView(body.buffer).setUint32(0, f.originalLength, le);
      body.set(f.data, 4);
      block(3, body);
      continue;
    }
    const units = (f.tsNs * unitsPerSecond) / 1_000_000_000n;
    const body = new Uint8Array(20 + f.data.length);
    const bv = new DataView(body.buffer);
    bv.setUint32(0, ifaces.get(f.linkType) ?? 0, le);
    bv.setUint32(4, Number(units >> 32n), le);
    bv.setUint32(8, Number(units & 0xffffffffn), le);
    bv.setUint32(12, f.data.length, le);
    bv.setUint32(16, f.originalLength, le);
    body.set(f.data, 20);
    block(6, body);
  }
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

/** Link-layer headers to re-wrap an IP packet (`ip`, starting at the version nibble). */
export function wrapIp(ip: Uint8Array, link: 'ethernet' | 'vlan' | 'qinq' | 'sll' | 'sll2' | 'null-le' | 'null-be' | 'loop' | 'raw' | 'ipv4' | 'ipv6'): { linkType: number; data: Uint8Array } {
  const v6 = (ip[0] ?? 0) >> 4 === 6;
  const ethertype = v6 ? [0x86, 0xdd] : [0x08, 0x00];
  const macs = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
  const cat = (head: number[]): Uint8Array => {
    const out = new Uint8Array(head.length + ip.length);
    out.set(head, 0);
    out.set(ip, head.length);
    return out;
  };
  const af = v6 ? 30 : 2; // macOS AF_INET6 = 30
  switch (link) {
    case 'ethernet': return { linkType: 1, data: cat([...macs, ...ethertype]) };
    case 'vlan': return { linkType: 1, data: cat([...macs, 0x81, 0x00, 0x00, 0x64, ...ethertype]) };
    case 'qinq': return { linkType: 1, data: cat([...macs, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x64, ...ethertype]) };
    case 'sll': return { linkType: 113, data: cat([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...ethertype]) };
    case 'sll2': return { linkType: 276, data: cat([...ethertype, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]) };
    case 'null-le': return { linkType: 0, data: cat([af, 0, 0, 0]) };
    case 'null-be': return { linkType: 0, data: cat([0, 0, 0, af]) };
    case 'loop': return { linkType: 108, data: cat([0, 0, 0, af]) };
    case 'raw': return { linkType: 101, data: cat([]) };
    case 'ipv4': return { linkType: 228, data: cat([]) };
    case 'ipv6': return { linkType: 229, data: cat([]) };
  }
}
