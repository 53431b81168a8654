// Decodes ring-buffer records laid out by bpf/include/kinsight_events.h.
// The offsets below are checked against that header by events.test.ts
// (it compiles the header and compares offsetof/sizeof), so the C header
// stays the single source of truth.

export const ksLayout = {
  header: { kind: 0, pid: 4, tsNs: 8, tid: 16, fd: 20, connId: 24, sizeof: 32 },
  data: {
    comm: 32,
    localAddr: 48,
    remoteAddr: 64,
    localPort: 80,
    remotePort: 82,
    family: 84,
    direction: 86,
    syscall: 87,
    size: 88,
    payloadLen: 92,
    netns: 96,
    protocol: 100,
    flags: 101,
    cgroupId: 104,
    payload: 112,
    sizeof: 4208,
  },
  close: { sizeof: 32 },
  commLen: 16,
  addrLen: 16,
  payloadMax: 4096,
} as const;

export const ksEnums = {
  eventKind: { data: 1, close: 2, connect: 3, accept: 4, log: 5 },
  direction: { egress: 1, ingress: 2 },
  syscall: {
    read: 1, write: 2, sendto: 3, recvfrom: 4, close: 5, readv: 6, writev: 7, sendmsg: 8, recvmsg: 9, connect: 10, accept: 11,
  },
  flag: { truncated: 1, iovLimit: 2 },
  family: { inet: 2, inet6: 10 },
  protocol: { tcp: 6, udp: 17 },
  stat: { ringDrops: 0, payloadFaults: 1, submitted: 2, logRateLimited: 3, filtered: 4, count: 8 },
  filter: { pid: 1, cgroup: 2, port: 4 },
} as const;

export type Direction = 'egress' | 'ingress';
export type DataSyscall = 'read' | 'write' | 'sendto' | 'recvfrom' | 'readv' | 'writev' | 'sendmsg' | 'recvmsg';
export type Transport = 'tcp' | 'udp';

/** Who the process is, and the socket's two ends, as the kernel saw them at the call. */
interface SocketFacts {
  tsNs: bigint;
  pid: number;
  tid: number;
  comm: string;
  fd: number;
  /** Kernel address of the socket's struct sock; joins with tcp:* tracepoints' skaddr. */
  connId: bigint;
  family: 4 | 6;
  transport: Transport;
  /** inode number of the socket's network namespace */
  netns: number;
  cgroupId: bigint;
  localAddr: string;
  localPort: number;
  /** for unconnected UDP, the datagram's peer */
  remoteAddr: string;
  remotePort: number;
}

export interface DataEvent extends SocketFacts {
  kind: 'data';
  direction: Direction;
  syscall: DataSyscall;
  /** Bytes the syscall moved. */
  size: number;
  /** The first min(size, payload cap) bytes. */
  payload: Buffer;
  /** payload holds fewer bytes than the syscall moved */
  truncated: boolean;
}

/** connect() (this side is the client) or accept() (the server) of a socket. */
export interface LifecycleEvent extends SocketFacts {
  kind: 'connect' | 'accept';
}

/** A write to stdout/stderr that is not a socket. */
export interface LogEvent {
  kind: 'log';
  tsNs: bigint;
  pid: number;
  tid: number;
  comm: string;
  fd: number;
  cgroupId: bigint;
  size: number;
  payload: Buffer;
  truncated: boolean;
}

export interface CloseEvent {
  kind: 'close';
  tsNs: bigint;
  pid: number;
  fd: number;
  connId: bigint;
}

export type CaptureEvent = DataEvent | LifecycleEvent | LogEvent | CloseEvent;

export type DecodeResult = { ok: true; event: CaptureEvent } | { ok: false; reason: string };

const syscallNames = new Map<number, DataSyscall>(
  (['read', 'write', 'sendto', 'recvfrom', 'readv', 'writev', 'sendmsg', 'recvmsg'] as const).map((name) => [ksEnums.syscall[name], name]),
);

function formatIpv4(bytes: Buffer): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** RFC 5952 text: lower case, longest zero run (length ≥ 2) as `::`, v4-mapped as `::ffff:a.b.c.d`. */
export function formatIpv6(bytes: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(bytes.subarray(12, 16))}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function decodeComm(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function decodeSocketFacts(record: Buffer, familyCode: number): SocketFacts | string {
  const d = ksLayout.data;
  const h = ksLayout.header;
  if (familyCode !== ksEnums.family.inet && familyCode !== ksEnums.family.inet6) return `unknown address family ${familyCode}`;
  const protocol = record.readUInt8(d.protocol);
  if (protocol !== ksEnums.protocol.tcp && protocol !== ksEnums.protocol.udp) return `unknown IP protocol ${protocol}`;
  const family = familyCode === ksEnums.family.inet ? 4 : 6;
  const format = (offset: number): string => {
    const bytes = record.subarray(offset, offset + ksLayout.addrLen);
    return family === 4 ? formatIpv4(bytes) : formatIpv6(bytes);
  };
  return {
    tsNs: record.readBigUInt64LE(h.tsNs),
    pid: record.readUInt32LE(h.pid),
    tid: record.readUInt32LE(h.tid),
    comm: decodeComm(record.subarray(d.comm, d.comm + ksLayout.commLen)),
    fd: record.readInt32LE(h.fd),
    connId: record.readBigUInt64LE(h.connId),
    family,
    transport: protocol === ksEnums.protocol.tcp ? 'tcp' : 'udp',
    netns: record.readUInt32LE(d.netns),
    cgroupId: record.readBigUInt64LE(d.cgroupId),
    localAddr: format(d.localAddr),
    localPort: record.readUInt16LE(d.localPort),
    remoteAddr: format(d.remoteAddr),
    remotePort: record.readUInt16LE(d.remotePort),
  };
}

/** Data, connect, accept and log records share one layout; the record ends after payload_len bytes. */
function decodeSocketRecord(record: Buffer, kind: number): DecodeResult {
  const d = ksLayout.data;
  if (record.length < d.payload) return { ok: false, reason: `record of kind ${kind} has ${record.length} bytes, shorter than its ${d.payload}-byte head` };
  const payloadLen = record.readUInt32LE(d.payloadLen);
  if (payloadLen > ksLayout.payloadMax) return { ok: false, reason: `payload length ${payloadLen} exceeds ${ksLayout.payloadMax}` };
  if (record.length < d.payload + payloadLen) return { ok: false, reason: `record has ${record.length} bytes, its payload needs ${d.payload + payloadLen}` };
  const flags = record.readUInt8(d.flags);
  const size = record.readUInt32LE(d.size);
  // A copy: records are views into a whole ring batch, and a parser holding a partial message must not
  // keep the batch alive.
  const payload = Buffer.from(record.subarray(d.payload, d.payload + payloadLen));
  const truncated = (flags & ksEnums.flag.truncated) !== 0;
  const h = ksLayout.header;
  if (kind === ksEnums.eventKind.log) {
    return {
      ok: true,
      event: {
        kind: 'log',
        tsNs: record.readBigUInt64LE(h.tsNs),
        pid: record.readUInt32LE(h.pid),
        tid: record.readUInt32LE(h.tid),
        comm: decodeComm(record.subarray(d.comm, d.comm + ksLayout.commLen)),
        fd: record.readInt32LE(h.fd),
        cgroupId: record.readBigUInt64LE(d.cgroupId),
        size,
        payload,
        truncated,
      },
    };
  }
  const facts = decodeSocketFacts(record, record.readUInt16LE(d.family));
  if (typeof facts === 'string') return { ok: false, reason: facts };
  if (kind === ksEnums.eventKind.connect) return { ok: true, event: { kind: 'connect', ...facts } };
  if (kind === ksEnums.eventKind.accept) return { ok: true, event: { kind: 'accept', ...facts } };
  const directionCode = record.readUInt8(d.direction);
  const direction: Direction | undefined =
    directionCode === ksEnums.direction.egress ? 'egress' : directionCode === ksEnums.direction.ingress ? 'ingress' : undefined;
  const syscall = syscallNames.get(record.readUInt8(d.syscall));
  if (!direction || !syscall) return { ok: false, reason: `unknown direction ${directionCode} or syscall` };
  return { ok: true, event: { kind: 'data', ...facts, direction, syscall, size, payload, truncated } };
}

/** Decodes one ring record; never throws. */
export function decodeCaptureEvent(record: Buffer): DecodeResult {
  const h = ksLayout.header;
  if (record.length < h.sizeof) return { ok: false, reason: `record has ${record.length} bytes, shorter than the ${h.sizeof}-byte header` };
  const kind = record.readUInt32LE(h.kind);
  if (kind === ksEnums.eventKind.close) {
    return {
      ok: true,
      event: {
        kind: 'close',
        tsNs: record.readBigUInt64LE(h.tsNs),
        pid: record.readUInt32LE(h.pid),
        fd: record.readInt32LE(h.fd),
        connId: record.readBigUInt64LE(h.connId),
      },
    };
  }
  if (kind >= ksEnums.eventKind.data && kind <= ksEnums.eventKind.log) return decodeSocketRecord(record, kind);
  return { ok: false, reason: `unknown event kind ${kind}` };
}

/** Decodes batches and counts the records it had to drop. */
export class CaptureDecoder {
  decoded = 0;
  errors = 0;
  lastError: string | undefined;

  decodeBatch(records: readonly Buffer[]): CaptureEvent[] {
    const events: CaptureEvent[] = [];
    for (const record of records) {
      const result = decodeCaptureEvent(record);
      if (result.ok) {
        events.push(result.event);
        this.decoded++;
      } else {
        this.errors++;
        this.lastError = result.reason;
      }
    }
    return events;
  }
}
