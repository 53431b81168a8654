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
    payload: 96,
    sizeof: 4192,
  },
  close: { sizeof: 32 },
  commLen: 16,
  addrLen: 16,
  payloadMax: 4096,
} as const;

export const ksEnums = {
  eventKind: { data: 1, close: 2 },
  direction: { egress: 1, ingress: 2 },
  syscall: { read: 1, write: 2, sendto: 3, recvfrom: 4, close: 5 },
  family: { inet: 2, inet6: 10 },
  stat: { ringDrops: 0, payloadFaults: 1, count: 4 },
} as const;

export type Direction = 'egress' | 'ingress';
export type DataSyscall = 'read' | 'write' | 'sendto' | 'recvfrom';

export interface DataEvent {
  kind: 'data';
  tsNs: bigint;
  pid: number;
  tid: number;
  comm: string;
  fd: number;
  /** Kernel address of the socket's struct sock; joins with tcp:* tracepoints' skaddr. */
  connId: bigint;
  family: 4 | 6;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  direction: Direction;
  syscall: DataSyscall;
  /** Bytes the syscall moved. */
  size: number;
  /** The first min(size, payload cap) bytes. */
  payload: Buffer;
}

export interface CloseEvent {
  kind: 'close';
  tsNs: bigint;
  pid: number;
  fd: number;
  connId: bigint;
}

export type CaptureEvent = DataEvent | CloseEvent;

export type DecodeResult = { ok: true; event: CaptureEvent } | { ok: false; reason: string };

const syscallNames = new Map<number, DataSyscall>([
  [ksEnums.syscall.read, 'read'],
  [ksEnums.syscall.write, 'write'],
  [ksEnums.syscall.sendto, 'sendto'],
  [ksEnums.syscall.recvfrom, 'recvfrom'],
]);

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

function decodeData(record: Buffer): DecodeResult {
  const d = ksLayout.data;
  if (record.length < d.sizeof) return { ok: false, reason: `data record has ${record.length} bytes, expected ${d.sizeof}` };
  const familyCode = record.readUInt16LE(d.family);
  if (familyCode !== ksEnums.family.inet && familyCode !== ksEnums.family.inet6) {
    return { ok: false, reason: `unknown address family ${familyCode}` };
  }
  const directionCode = record.readUInt8(d.direction);
  const direction: Direction | undefined =
    directionCode === ksEnums.direction.egress ? 'egress' : directionCode === ksEnums.direction.ingress ? 'ingress' : undefined;
  const syscall = syscallNames.get(record.readUInt8(d.syscall));
  if (!direction || !syscall) return { ok: false, reason: `unknown direction ${directionCode} or syscall` };
  const payloadLen = record.readUInt32LE(d.payloadLen);
  if (payloadLen > ksLayout.payloadMax) return { ok: false, reason: `payload length ${payloadLen} exceeds ${ksLayout.payloadMax}` };

  const family = familyCode === ksEnums.family.inet ? 4 : 6;
  const format = (offset: number): string => {
    const bytes = record.subarray(offset, offset + ksLayout.addrLen);
    return family === 4 ? formatIpv4(bytes) : formatIpv6(bytes);
  };
  const h = ksLayout.header;
  return {
    ok: true,
    event: {
      kind: 'data',
      tsNs: record.readBigUInt64LE(h.tsNs),
      pid: record.readUInt32LE(h.pid),
      tid: record.readUInt32LE(h.tid),
      comm: decodeComm(record.subarray(d.comm, d.comm + ksLayout.commLen)),
      fd: record.readInt32LE(h.fd),
      connId: record.readBigUInt64LE(h.connId),
      family,
      localAddr: format(d.localAddr),
      localPort: record.readUInt16LE(d.localPort),
      remoteAddr: format(d.remoteAddr),
      remotePort: record.readUInt16LE(d.remotePort),
      direction,
      syscall,
      size: record.readUInt32LE(d.size),
      // A copy, so a short payload does not keep the whole 4 KiB record alive.
      payload: Buffer.from(record.subarray(d.payload, d.payload + payloadLen)),
    },
  };
}

/** Decodes one ring record; never throws. */
export function decodeCaptureEvent(record: Buffer): DecodeResult {
  const h = ksLayout.header;
  if (record.length < h.sizeof) return { ok: false, reason: `record has ${record.length} bytes, shorter than the ${h.sizeof}-byte header` };
  const kind = record.readUInt32LE(h.kind);
  if (kind === ksEnums.eventKind.data) return decodeData(record);
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
