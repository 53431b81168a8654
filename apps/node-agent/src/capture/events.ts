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
  stat: { ringDrops: 0, payloadFaults: 1, submitted: 2, logRateLimited: 3, filtered: 4, skipped: 5, count: 8 },
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

// The hot path below runs for every ring record (tens of thousands per second): it reads fields in place
// through a DataView (V8 inlines its getters; Buffer's readUInt32LE/readBigUInt64LE cost 2-3x as much),
// creates no closures or Buffer views, and formats each address and task name once — a node talks to few
// addresses and runs few tasks, so their text is cached (bounded: a cache is emptied when full).
const TEXT_CACHE_MAX = 4096;
const ipv4Text = new Map<number, string>();
const ipv6Text = new Map<string, string>();

/** Fields of the record being decoded: `b` for bytes, `v` (a DataView over the same memory) for numbers. */
interface RecordView {
  b: Buffer;
  v: DataView;
}

function viewOf(b: Buffer): RecordView {
  return { b, v: new DataView(b.buffer, b.byteOffset, b.byteLength) };
}

function ipv4At(r: RecordView, offset: number): string {
  const key = r.v.getUint32(offset);
  let text = ipv4Text.get(key);
  if (text === undefined) {
    if (ipv4Text.size >= TEXT_CACHE_MAX) ipv4Text.clear();
    text = `${key >>> 24}.${(key >>> 16) & 0xff}.${(key >>> 8) & 0xff}.${key & 0xff}`;
    ipv4Text.set(key, text);
  }
  return text;
}

function ipv6At(r: RecordView, offset: number): string {
  const key = r.b.toString('latin1', offset, offset + ksLayout.addrLen);
  let text = ipv6Text.get(key);
  if (text === undefined) {
    if (ipv6Text.size >= TEXT_CACHE_MAX) ipv6Text.clear();
    text = formatIpv6(r.b.subarray(offset, offset + ksLayout.addrLen));
    ipv6Text.set(key, text);
  }
  return text;
}

/** The last task name decoded per thread, with its 16 raw bytes: the same bytes give the same name. */
interface CommEntry {
  w0: number;
  w1: number;
  w2: number;
  w3: number;
  text: string;
}
const commText = new Map<number, CommEntry>();

/** The NUL-terminated task name at `offset`, of thread `tid`. */
function commAt(r: RecordView, offset: number, tid: number): string {
  const v = r.v;
  const w0 = v.getUint32(offset, true);
  const w1 = v.getUint32(offset + 4, true);
  const w2 = v.getUint32(offset + 8, true);
  const w3 = v.getUint32(offset + 12, true);
  const cached = commText.get(tid);
  if (cached !== undefined && cached.w0 === w0 && cached.w1 === w1 && cached.w2 === w2 && cached.w3 === w3) return cached.text;
  const limit = offset + ksLayout.commLen;
  let end = offset;
  while (end < limit && r.b[end] !== 0) end++;
  const text = r.b.toString('utf8', offset, end);
  if (commText.size >= TEXT_CACHE_MAX) commText.clear();
  commText.set(tid, { w0, w1, w2, w3, text });
  return text;
}

// Payload copies are carved from 8 KB slabs, as Buffer.allocUnsafe carves small buffers from Node's pool
// (the same retention: a payload kept alive keeps at most its slab alive), without allocUnsafe's and copy()'s
// per-call checks and views, which cost as much as the rest of a record's decode. Payloads of half a slab
// or more get memory of their own, as allocUnsafe gives them.
const SLAB_BYTES = 8 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function copyPayload(r: RecordView, from: number, length: number): Buffer {
  const source = new Uint8Array(r.b.buffer, r.b.byteOffset + from, length);
  if (length >= SLAB_BYTES >>> 1) {
    const own = Buffer.allocUnsafeSlow(length);
    own.set(source);
    return own;
  }
  if (slabUsed + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const payload = Buffer.from(slab, slabUsed, length);
  slabUsed += (length + 7) & ~7; // 8-byte aligned, as Node aligns its pool
  payload.set(source);
  return payload;
}

const directionNames: readonly (Direction | undefined)[] = [undefined, 'egress', 'ingress'];
const syscallByCode: readonly (DataSyscall | undefined)[] = (() => {
  const names: (DataSyscall | undefined)[] = [];
  for (const [code, name] of syscallNames) names[code] = name;
  return names;
})();

/**
 * Data, connect, accept and log records share one layout; the record at b[at, at + length) ends after
 * payload_len bytes. Returns the event, or why the record cannot be one.
 */
function decodeSocketRecord(r: RecordView, at: number, length: number, kind: number): CaptureEvent | string {
  const d = ksLayout.data;
  const h = ksLayout.header;
  const { b, v } = r;
  if (length < d.payload) return `record of kind ${kind} has ${length} bytes, shorter than its ${d.payload}-byte head`;
  const payloadLen = v.getUint32(at + d.payloadLen, true);
  if (payloadLen > ksLayout.payloadMax) return `payload length ${payloadLen} exceeds ${ksLayout.payloadMax}`;
  if (length < d.payload + payloadLen) return `record has ${length} bytes, its payload needs ${d.payload + payloadLen}`;
  const familyCode = v.getUint16(at + d.family, true);
  const protocol = b[at + d.protocol];
  let family: 4 | 6 = 4;
  let transport: Transport = 'tcp';
  if (kind !== ksEnums.eventKind.log) {
    if (familyCode !== ksEnums.family.inet && familyCode !== ksEnums.family.inet6) return `unknown address family ${familyCode}`;
    if (protocol !== ksEnums.protocol.tcp && protocol !== ksEnums.protocol.udp) return `unknown IP protocol ${String(protocol)}`;
    family = familyCode === ksEnums.family.inet ? 4 : 6;
    transport = protocol === ksEnums.protocol.tcp ? 'tcp' : 'udp';
  }
  const directionCode = b[at + d.direction] ?? 0;
  const direction = directionNames[directionCode];
  const syscall = syscallByCode[b[at + d.syscall] ?? 0];
  if (kind === ksEnums.eventKind.data && (!direction || !syscall)) return `unknown direction ${directionCode} or syscall`;
  // A copy: the record sits in a whole ring batch, and a parser holding a partial message must not keep the
  // batch alive.
  const payload = copyPayload(r, at + d.payload, payloadLen);
  const truncated = ((b[at + d.flags] ?? 0) & ksEnums.flag.truncated) !== 0;
  const tsNs = v.getBigUint64(at + h.tsNs, true);
  const pid = v.getUint32(at + h.pid, true);
  const tid = v.getUint32(at + h.tid, true);
  const comm = commAt(r, at + d.comm, tid);
  const fd = v.getInt32(at + h.fd, true);
  const cgroupId = v.getBigUint64(at + d.cgroupId, true);
  const size = v.getUint32(at + d.size, true);
  if (kind === ksEnums.eventKind.log) return { kind: 'log', tsNs, pid, tid, comm, fd, cgroupId, size, payload, truncated };
  const connId = v.getBigUint64(at + h.connId, true);
  const netns = v.getUint32(at + d.netns, true);
  const localAddr = family === 4 ? ipv4At(r, at + d.localAddr) : ipv6At(r, at + d.localAddr);
  const remoteAddr = family === 4 ? ipv4At(r, at + d.remoteAddr) : ipv6At(r, at + d.remoteAddr);
  const localPort = v.getUint16(at + d.localPort, true);
  const remotePort = v.getUint16(at + d.remotePort, true);
  if (kind === ksEnums.eventKind.data && direction && syscall) {
    return {
      kind: 'data', tsNs, pid, tid, comm, fd, connId, family, transport, netns, cgroupId,
      localAddr, localPort, remoteAddr, remotePort, direction, syscall, size, payload, truncated,
    };
  }
  const lifecycle = kind === ksEnums.eventKind.connect ? 'connect' : 'accept';
  return { kind: lifecycle, tsNs, pid, tid, comm, fd, connId, family, transport, netns, cgroupId, localAddr, localPort, remoteAddr, remotePort };
}

/** The record at b[at, at + length) as an event, or why it cannot be one; never throws. */
function decodeAt(r: RecordView, at: number, length: number): CaptureEvent | string {
  const h = ksLayout.header;
  const v = r.v;
  if (length < h.sizeof) return `record has ${length} bytes, shorter than the ${h.sizeof}-byte header`;
  const kind = v.getUint32(at + h.kind, true);
  if (kind === ksEnums.eventKind.close) {
    return {
      kind: 'close',
      tsNs: v.getBigUint64(at + h.tsNs, true),
      pid: v.getUint32(at + h.pid, true),
      fd: v.getInt32(at + h.fd, true),
      connId: v.getBigUint64(at + h.connId, true),
    };
  }
  if (kind >= ksEnums.eventKind.data && kind <= ksEnums.eventKind.log) return decodeSocketRecord(r, at, length, kind);
  return `unknown event kind ${kind}`;
}

/** Decodes one ring record; never throws. */
export function decodeCaptureEvent(record: Buffer): DecodeResult {
  const decoded = decodeAt(viewOf(record), 0, record.length);
  return typeof decoded === 'string' ? { ok: false, reason: decoded } : { ok: true, event: decoded };
}

/** Decodes batches and counts the records it had to drop. */
export class CaptureDecoder {
  decoded = 0;
  errors = 0;
  lastError: string | undefined;

  decodeBatch(records: readonly Buffer[]): CaptureEvent[] {
    const events: CaptureEvent[] = [];
    for (const record of records) this.take(decodeAt(viewOf(record), 0, record.length), events);
    return events;
  }

  /** A raw ring batch: records back to back in `bytes`, record i ending at ends[i] (libbpf-ts openRingBufferRaw). */
  decodeRaw(bytes: Buffer, ends: Uint32Array): CaptureEvent[] {
    const events: CaptureEvent[] = [];
    const r = viewOf(bytes);
    let start = 0;
    for (const end of ends) {
      if (end > bytes.length || end < start) {
        this.take(`record end ${end} outside its ${bytes.length}-byte batch`, events);
        continue;
      }
      this.take(decodeAt(r, start, end - start), events);
      start = end;
    }
    return events;
  }

  private take(decoded: CaptureEvent | string, into: CaptureEvent[]): void {
    if (typeof decoded === 'string') {
      this.errors++;
      this.lastError = decoded;
    } else {
      into.push(decoded);
      this.decoded++;
    }
  }
}
