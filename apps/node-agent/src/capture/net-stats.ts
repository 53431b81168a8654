// Decodes the entries of net_quality.bpf.c's maps (struct ks_tcp_conn, struct ks_drop_key in
// bpf/include/kinsight_events.h). net-stats.test.ts compiles that header and checks these offsets.
import { formatIpv6 } from './events.js';

export const ksTcpLayout = {
  conn: {
    openedNs: 0, closedNs: 8, saddr: 16, daddr: 32, sport: 48, dport: 50, family: 52, role: 54, state: 55, netns: 56, flags: 60,
    retransmits: 64, srttUs: 68, srttSamples: 72, resetsSent: 76, resetsReceived: 80, drops: 84, segsOut: 88, segsIn: 92,
    srttSumUs: 96, bytesSent: 104, bytesReceived: 112, sizeof: 120,
  },
  dropKey: { sk: 0, reason: 8, sizeof: 16 },
} as const;

export const ksTcpEnums = {
  role: { unknown: 0, client: 1, server: 2 },
  flag: { established: 1, closed: 2, failed: 4, refused: 8 },
} as const;

export type TcpRole = 'client' | 'server' | 'unknown';

/** One TCP connection's counters as the kernel holds them (cumulative since the connection opened). */
export interface TcpConnSnapshot {
  /** struct sock address: the same id as a capture event's connId */
  connId: bigint;
  openedNs: bigint;
  closedNs: bigint;
  local: { addr: string; port: number };
  remote: { addr: string; port: number };
  family: 4 | 6;
  role: TcpRole;
  state: number;
  netns: number;
  established: boolean;
  closed: boolean;
  failed: boolean;
  refused: boolean;
  retransmits: number;
  srttUs: number;
  srttSamples: number;
  srttSumUs: number;
  resetsSent: number;
  resetsReceived: number;
  drops: number;
  segsOut: number;
  segsIn: number;
  bytesSent: number;
  bytesReceived: number;
}

function address(bytes: Buffer, family: 4 | 6): string {
  return family === 4 ? `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}` : formatIpv6(bytes);
}

/** null when the value is not a ks_tcp_conn of a known family (never throws). */
export function decodeTcpConn(key: Buffer, value: Buffer): TcpConnSnapshot | null {
  const c = ksTcpLayout.conn;
  if (key.length !== 8 || value.length < c.sizeof) return null;
  const familyCode = value.readUInt16LE(c.family);
  if (familyCode !== 2 && familyCode !== 10) return null;
  const family = familyCode === 2 ? 4 : 6;
  const flags = value.readUInt32LE(c.flags);
  const roleCode = value.readUInt8(c.role);
  const has = (flag: number): boolean => (flags & flag) !== 0;
  return {
    connId: key.readBigUInt64LE(0),
    openedNs: value.readBigUInt64LE(c.openedNs),
    closedNs: value.readBigUInt64LE(c.closedNs),
    local: { addr: address(value.subarray(c.saddr, c.saddr + 16), family), port: value.readUInt16LE(c.sport) },
    remote: { addr: address(value.subarray(c.daddr, c.daddr + 16), family), port: value.readUInt16LE(c.dport) },
    family,
    role: roleCode === ksTcpEnums.role.client ? 'client' : roleCode === ksTcpEnums.role.server ? 'server' : 'unknown',
    state: value.readUInt8(c.state),
    netns: value.readUInt32LE(c.netns),
    established: has(ksTcpEnums.flag.established),
    closed: has(ksTcpEnums.flag.closed),
    failed: has(ksTcpEnums.flag.failed),
    refused: has(ksTcpEnums.flag.refused),
    retransmits: value.readUInt32LE(c.retransmits),
    srttUs: value.readUInt32LE(c.srttUs),
    srttSamples: value.readUInt32LE(c.srttSamples),
    srttSumUs: Number(value.readBigUInt64LE(c.srttSumUs)),
    resetsSent: value.readUInt32LE(c.resetsSent),
    resetsReceived: value.readUInt32LE(c.resetsReceived),
    drops: value.readUInt32LE(c.drops),
    segsOut: value.readUInt32LE(c.segsOut),
    segsIn: value.readUInt32LE(c.segsIn),
    bytesSent: Number(value.readBigUInt64LE(c.bytesSent)),
    bytesReceived: Number(value.readBigUInt64LE(c.bytesReceived)),
  };
}

export function decodeDropKey(key: Buffer): { sk: bigint; reason: number } | null {
  if (key.length !== ksTcpLayout.dropKey.sizeof) return null;
  return { sk: key.readBigUInt64LE(0), reason: key.readUInt32LE(8) };
}

/** What changed on one connection during one interval. */
export interface TcpConnDelta {
  connId: bigint;
  role: TcpRole;
  local: { addr: string; port: number };
  remote: { addr: string; port: number };
  netns: number;
  /** kernel monotonic ns when it reached TCP_CLOSE, 0 while open */
  closedNs: bigint;
  /** 1 when the connection was opened (SYN seen) in this interval */
  opened: number;
  closed: number;
  failed: number;
  refused: number;
  retransmits: number;
  /** last smoothed RTT, µs (0 when no sample yet) */
  srttUs: number;
  srttSamples: number;
  srttSumUs: number;
  resets: number;
  drops: number;
  /** drop reason name → packets, for this connection in this interval */
  dropReasons: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
  segsOut: number;
  segsIn: number;
}

type Counters = Pick<
  TcpConnSnapshot,
  'retransmits' | 'srttSamples' | 'srttSumUs' | 'resetsSent' | 'resetsReceived' | 'drops' | 'bytesSent' | 'bytesReceived' | 'segsOut' | 'segsIn'
>;

const zero: Counters = {
  retransmits: 0, srttSamples: 0, srttSumUs: 0, resetsSent: 0, resetsReceived: 0, drops: 0, bytesSent: 0, bytesReceived: 0, segsOut: 0, segsIn: 0,
};

/** The interval's change from the previous snapshot of the same connection (or from zero for a new one). */
export function deltaOf(now: TcpConnSnapshot, before: TcpConnSnapshot | undefined): TcpConnDelta {
  const prev: Counters = before ?? zero;
  // Counters only grow; a smaller value means the map entry was recreated for a new connection.
  const d = (k: keyof Counters): number => Math.max(0, now[k] - prev[k]);
  return {
    connId: now.connId,
    role: now.role,
    local: now.local,
    remote: now.remote,
    netns: now.netns,
    closedNs: now.closed ? now.closedNs : 0n,
    opened: before === undefined && now.role !== 'unknown' ? 1 : 0,
    closed: now.closed && !before?.closed ? 1 : 0,
    failed: now.failed && !before?.failed ? 1 : 0,
    refused: now.refused && !before?.refused ? 1 : 0,
    retransmits: d('retransmits'),
    srttUs: now.srttUs,
    srttSamples: d('srttSamples'),
    srttSumUs: d('srttSumUs'),
    resets: d('resetsSent') + d('resetsReceived'),
    drops: d('drops'),
    dropReasons: {},
    bytesSent: d('bytesSent'),
    bytesReceived: d('bytesReceived'),
    segsOut: d('segsOut'),
    segsIn: d('segsIn'),
  };
}
