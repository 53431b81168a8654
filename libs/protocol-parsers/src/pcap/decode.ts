// Link layer → IPv4/IPv6 → TCP/UDP. Returns the packet or the reason it was skipped; never throws.
import { formatIpv4, formatIpv6 } from './address.js';
import type { CaptureFrame, SkipReason, TransportPacket } from './types.js';

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) the decoder reads. */
export const LINK_TYPES = {
  null: 0, // BSD loopback: 4-byte address family in the writer's byte order
  ethernet: 1,
  fddi: 10,
  raw: 101, // IPv4 or IPv6, told apart by the version nibble
  openbsdRaw: 14,
  loop: 108, // OpenBSD loopback: address family in network byte order
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
const MAX_VLAN_TAGS = 4;
/** Address families for IPv6 on the BSDs, macOS and Linux (AF_INET is 2 everywhere). */
const AF_INET6 = new Set([10, 24, 28, 30]);
/** IPv6 extension headers walked to reach TCP/UDP: hop-by-hop, routing, destination options, mobility. */
const IPV6_EXTENSIONS = new Set([0, 43, 60, 135, 139, 140]);
const MAX_IPV6_EXTENSIONS = 8;

export type DecodeResult = { ok: true; packet: TransportPacket } | { ok: false; reason: SkipReason };

const skipped = (reason: SkipReason): DecodeResult => ({ ok: false, reason });

export function decodeFrame(frame: CaptureFrame): DecodeResult {
  const d = frame.data;
  const extra = frame.originalLength - d.length;
  const at = (i: number): number => d[i] ?? 0;
  const u16 = (i: number): number => (at(i) << 8) | at(i + 1);
  switch (frame.linkType) {
    case LINK_TYPES.ethernet:
      return decodeEthernetPayload(d, 12, extra);
    case LINK_TYPES.fddi:
      // FC + two MAC addresses, then an LLC/SNAP header that ends with the ethertype.
      if (d.length < 21) return skipped('truncated-header');
      return at(13) === 0xaa && at(14) === 0xaa ? decodeNetwork(u16(19), d, 21, extra) : skipped('non-ip');
    case LINK_TYPES.null:
    case LINK_TYPES.loop: {
      if (d.length < 4) return skipped('truncated-header');
      // Written in the capturing host's byte order; the family is small, so the non-zero end tells.
      const family = at(0) !== 0 || at(1) !== 0 ? at(0) | (at(1) << 8) : u16(2);
      if (family === 2) return decodeIp(4, d, 4, extra);
      if (AF_INET6.has(family)) return decodeIp(6, d, 4, extra);
      return skipped('non-ip');
    }
    case LINK_TYPES.raw:
    case LINK_TYPES.openbsdRaw: {
      const version = at(0) >> 4;
      return version === 4 || version === 6 ? decodeIp(version, d, 0, extra) : skipped('non-ip');
    }
    case LINK_TYPES.ipv4:
      return decodeIp(4, d, 0, extra);
    case LINK_TYPES.ipv6:
      return decodeIp(6, d, 0, extra);
    case LINK_TYPES.linuxSll:
      if (d.length < 16) return skipped('truncated-header');
      return decodeNetwork(u16(14), d, 16, extra);
    case LINK_TYPES.linuxSll2:
      if (d.length < 20) return skipped('truncated-header');
      return decodeNetwork(u16(0), d, 20, extra);
    default:
      return skipped('unsupported-link-type');
  }
}

/** `typeAt` points at the Ethernet type/length field (after the two MAC addresses). */
function decodeEthernetPayload(d: Uint8Array, typeAt: number, extra: number): DecodeResult {
  let off = typeAt;
  for (let tags = 0; ; tags++) {
    if (off + 2 > d.length) return skipped('truncated-header');
    const type = ((d[off] ?? 0) << 8) | (d[off + 1] ?? 0);
    if (VLAN_TAGS.has(type) && tags < MAX_VLAN_TAGS) {
      off += 4;
      continue;
    }
    if (type < 0x0600) {
      // 802.3 length field: only LLC/SNAP can carry IP.
      if (off + 10 > d.length) return skipped('truncated-header');
      if (d[off + 2] !== 0xaa || d[off + 3] !== 0xaa) return skipped('non-ip');
      return decodeNetwork(((d[off + 8] ?? 0) << 8) | (d[off + 9] ?? 0), d, off + 10, extra);
    }
    return decodeNetwork(type, d, off + 2, extra);
  }
}

function decodeNetwork(ethertype: number, d: Uint8Array, off: number, extra: number): DecodeResult {
  if (ethertype === ETHERTYPE_IPV4) return decodeIp(4, d, off, extra);
  if (ethertype === ETHERTYPE_IPV6) return decodeIp(6, d, off, extra);
  return skipped('non-ip');
}

function decodeIp(version: 4 | 6, d: Uint8Array, off: number, extra: number): DecodeResult {
  return version === 4 ? decodeIpv4(d, off, extra) : decodeIpv6(d, off, extra);
}

function decodeIpv4(d: Uint8Array, off: number, extra: number): DecodeResult {
  if (off + 20 > d.length) return skipped('truncated-header');
  const at = (i: number): number => d[off + i] ?? 0;
  if (at(0) >> 4 !== 4) return skipped('bad-ip-header');
  const headerLength = (at(0) & 0x0f) * 4;
  let totalLength = (at(2) << 8) | at(3);
  // TSO/GSO captures write 0 for segments larger than 64 KiB; the capture length is all we have.
  if (totalLength === 0) totalLength = d.length - off + extra;
  if (headerLength < 20 || totalLength < headerLength) return skipped('bad-ip-header');
  if (off + headerLength > d.length) return skipped('truncated-header');
  const fragmentOffset = ((at(6) & 0x1f) << 8) | at(7);
  if (fragmentOffset !== 0) return skipped('ip-fragment');
  const moreFragments = (at(6) & 0x20) !== 0;
  const src = formatIpv4(d, off + 12);
  const dst = formatIpv4(d, off + 16);
  return decodeTransport(at(9), src, dst, d, off + headerLength, off + totalLength, extra, moreFragments);
}

function decodeIpv6(d: Uint8Array, off: number, extra: number): DecodeResult {
  if (off + 40 > d.length) return skipped('truncated-header');
  if ((d[off] ?? 0) >> 4 !== 6) return skipped('bad-ip-header');
  const payloadLength = ((d[off + 4] ?? 0) << 8) | (d[off + 5] ?? 0);
  // Payload length 0 means a jumbogram or a TSO capture; use what was captured.
  const end = payloadLength === 0 ? d.length + extra : off + 40 + payloadLength;
  let next = d[off + 6] ?? 0;
  let p = off + 40;
  let moreFragments = false;
  for (let n = 0; n < MAX_IPV6_EXTENSIONS; n++) {
    if (next === 44) {
      if (p + 8 > d.length) return skipped('truncated-header');
      const fragmentOffset = (((d[p + 2] ?? 0) << 8) | (d[p + 3] ?? 0)) >> 3;
      if (fragmentOffset !== 0) return skipped('ip-fragment');
      moreFragments = ((d[p + 3] ?? 0) & 1) !== 0;
      next = d[p] ?? 0;
      p += 8;
    } else if (next === 51) {
      // Authentication header: length in 4-byte units, minus 2.
      if (p + 2 > d.length) return skipped('truncated-header');
      next = d[p] ?? 0;
      p += ((d[p + 1] ?? 0) + 2) * 4;
    } else if (IPV6_EXTENSIONS.has(next)) {
      if (p + 2 > d.length) return skipped('truncated-header');
      next = d[p] ?? 0;
      p += ((d[p + 1] ?? 0) + 1) * 8;
    } else {
      break;
    }
  }
  if (p > end) return skipped('bad-ip-header');
  return decodeTransport(next, formatIpv6(d, off + 8), formatIpv6(d, off + 24), d, p, end, extra, moreFragments);
}

/**
 * `[off, end)` is the IP payload on the wire; bytes past `d.length` were cut by the snap length. A first
 * fragment (`moreFragments`) holds only the head of a datagram: its UDP length tells the full size, so the
 * rest is reported as missing rather than silently dropped.
 */
function decodeTransport(
  proto: number, src: string, dst: string, d: Uint8Array, off: number, end: number, extra: number, moreFragments: boolean,
): DecodeResult {
  const wireEnd = Math.min(end, d.length + extra);
  const at = (i: number): number => d[off + i] ?? 0;
  if (proto === 6) {
    if (off + 20 > d.length) return skipped('truncated-header');
    const dataOffset = (at(12) >> 4) * 4;
    if (dataOffset < 20 || off + dataOffset > wireEnd) return skipped('bad-ip-header');
    if (off + dataOffset > d.length) return skipped('truncated-header');
    const flags = at(13);
    const start = off + dataOffset;
    return {
      ok: true,
      packet: {
        transport: 'tcp',
        src: { ip: src, port: (at(0) << 8) | at(1) },
        dst: { ip: dst, port: (at(2) << 8) | at(3) },
        payload: d.subarray(start, Math.min(wireEnd, d.length)),
        payloadLength: wireEnd - start,
        tcp: {
          seq: ((at(4) << 24) | (at(5) << 16) | (at(6) << 8) | at(7)) >>> 0,
          ack: ((at(8) << 24) | (at(9) << 16) | (at(10) << 8) | at(11)) >>> 0,
          fin: (flags & 0x01) !== 0, syn: (flags & 0x02) !== 0, rst: (flags & 0x04) !== 0, ackFlag: (flags & 0x10) !== 0,
        },
      },
    };
  }
  if (proto === 17) {
    if (off + 8 > d.length) return skipped('truncated-header');
    const udpLength = (at(4) << 8) | at(5);
    // A UDP length of 0 (jumbograms) or past the IP payload: trust the IP length.
    const udpEnd = udpLength >= 8 && off + udpLength <= wireEnd ? off + udpLength : wireEnd;
    const start = off + 8;
    if (start > udpEnd) return skipped('bad-ip-header');
    return {
      ok: true,
      packet: {
        transport: 'udp',
        src: { ip: src, port: (at(0) << 8) | at(1) },
        dst: { ip: dst, port: (at(2) << 8) | at(3) },
        payload: d.subarray(start, Math.min(udpEnd, d.length)),
        payloadLength: moreFragments && udpLength > udpEnd - off ? udpLength - 8 : udpEnd - start,
        tcp: null,
      },
    };
  }
  return skipped('unsupported-transport');
}
