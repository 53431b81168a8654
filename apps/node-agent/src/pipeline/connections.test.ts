import { describe, expect, it } from 'vitest';
import type { Http1Transaction } from '@kinsight/protocol-parsers';
import type { CaptureEvent, DataEvent } from '../capture/index.js';
import { ConnectionTracker, type ObservedTransaction } from './connections.js';

const CLIENT = { addr: '127.0.0.1', port: 40_000 };
const SERVER = { addr: '127.0.0.1', port: 8080 };

function data(over: Partial<DataEvent> & Pick<DataEvent, 'direction' | 'payload' | 'tsNs'>): DataEvent {
  const { payload } = over;
  return {
    kind: 'data',
    pid: 100,
    tid: 100,
    comm: 'client',
    fd: 5,
    connId: 0xffff_0001n,
    family: 4,
    transport: 'tcp',
    netns: 4026531840,
    cgroupId: 1n,
    truncated: false,
    localAddr: CLIENT.addr,
    localPort: CLIENT.port,
    remoteAddr: SERVER.addr,
    remotePort: SERVER.port,
    syscall: over.direction === 'egress' ? 'write' : 'read',
    size: payload.length,
    ...over,
  };
}

const req = (path: string) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: svc\r\n\r\n`);
const resp = (status: number, body = 'ok') => Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: ${body.length}\r\n\r\n${body}`);

/** These tests speak HTTP/1 only. */
const http = (t: ObservedTransaction): Http1Transaction => t.tx as Http1Transaction;

function track(events: CaptureEvent[]): { seen: ObservedTransaction[]; tracker: ConnectionTracker } {
  const seen: ObservedTransaction[] = [];
  const tracker = new ConnectionTracker({ onTransaction: (t) => seen.push(t) });
  tracker.handle(events);
  return { seen, tracker };
}

describe('ConnectionTracker', () => {
  it('skips the conversations `skip` says yes to, once each, and tells onSkip the TCP socket (not a UDP one)', () => {
    const seen: ObservedTransaction[] = [];
    const skipped: bigint[] = [];
    const tracker = new ConnectionTracker({
      onTransaction: (t) => seen.push(t),
      skip: (side) => side === 'server',
      onSkip: (connId) => skipped.push(connId),
    });
    const serverSide = { connId: 0xffff_0002n, localPort: SERVER.port, remotePort: CLIENT.port };
    const dns = Buffer.from('abcd01000001000000000000076578616d706c6503636f6d0000010001', 'hex');
    tracker.handle([
      data({ ...serverSide, direction: 'ingress', payload: req('/a'), tsNs: 1_000n }),
      data({ ...serverSide, direction: 'egress', payload: resp(200), tsNs: 2_000n }),
      data({ ...serverSide, direction: 'ingress', payload: req('/b'), tsNs: 3_000n }),
      data({ connId: 0xffff_0003n, transport: 'udp', localPort: 53, remotePort: 5353, direction: 'ingress', payload: dns, tsNs: 4_000n }),
      data({ direction: 'egress', payload: req('/c'), tsNs: 5_000n }),
      data({ direction: 'ingress', payload: resp(200), tsNs: 6_000n }),
    ]);
    expect(skipped).toEqual([0xffff_0002n]);
    expect(tracker.stats.skipped).toBe(2);
    expect(seen.map((t) => [t.side, http(t).request.path])).toEqual([['client', '/c']]);
  });

  it('sees the client side when a request leaves the process, and pairs keep-alive calls in order', () => {
    const { seen } = track([
      data({ direction: 'egress', payload: req('/a'), tsNs: 1_000n }),
      data({ direction: 'ingress', payload: resp(200), tsNs: 5_000n }),
      data({ direction: 'egress', payload: req('/b'), tsNs: 6_000n }),
      data({ direction: 'ingress', payload: resp(503), tsNs: 9_000n }),
    ]);
    expect(seen.map((t) => [t.side, http(t).request.path, http(t).response?.status, http(t).request.startNs, http(t).response?.endNs])).toEqual([
      ['client', '/a', 200, 1_000n, 5_000n],
      ['client', '/b', 503, 6_000n, 9_000n],
    ]);
    expect(seen[0]?.remote).toEqual(SERVER);
  });

  it('sees the server side when a request arrives', () => {
    const { seen } = track([
      data({ comm: 'server', connId: 2n, localPort: 8080, remotePort: 40_000, direction: 'ingress', payload: req('/x'), tsNs: 10n }),
      data({ comm: 'server', connId: 2n, localPort: 8080, remotePort: 40_000, direction: 'egress', payload: resp(404), tsNs: 20n }),
    ]);
    expect(seen.map((t) => [t.side, t.comm, http(t).response?.status, t.local.port, t.remote.port])).toEqual([['server', 'server', 404, 8080, 40_000]]);
  });

  it('flushes an unanswered request when the socket closes, with the close time', () => {
    const { seen, tracker } = track([
      data({ direction: 'egress', payload: req('/slow'), tsNs: 100n }),
      { kind: 'close', tsNs: 900n, pid: 100, fd: 5, connId: 0xffff_0001n },
    ]);
    expect(seen.map((t) => [http(t).request.path, http(t).response, t.closedNs])).toEqual([['/slow', null, 900n]]);
    expect(tracker.stats.open).toBe(0);
  });

  it('gives up on connections whose first bytes are not a known protocol, and counts them', () => {
    const garbage = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]);
    const { seen, tracker } = track(Array.from({ length: 6 }, (_, i) => data({ direction: 'egress', payload: garbage, tsNs: BigInt(i) })));
    expect(seen).toEqual([]);
    expect(tracker.stats.unknownProtocol).toBe(1);
  });

  it('starts over when a socket address is reused by another connection whose close was missed', () => {
    const { seen } = track([
      data({ direction: 'egress', payload: req('/old'), tsNs: 1n }),
      data({ remotePort: 9090, direction: 'egress', payload: req('/new'), tsNs: 2n }),
      data({ remotePort: 9090, direction: 'ingress', payload: resp(200), tsNs: 3n }),
    ]);
    expect(seen.map((t) => [http(t).request.path, http(t).response?.status ?? null, t.remote.port])).toEqual([
      ['/old', null, 8080],
      ['/new', 200, 9090],
    ]);
  });

  it('stays within its connection bound by flushing the oldest', () => {
    const seen: ObservedTransaction[] = [];
    const tracker = new ConnectionTracker({ onTransaction: (t) => seen.push(t), maxConnections: 2 });
    tracker.handle([1n, 2n, 3n].map((id) => data({ connId: id, direction: 'egress', payload: req(`/${id}`), tsNs: id })));
    expect(tracker.stats).toMatchObject({ open: 2, evicted: 1 });
    expect(seen.map((t) => http(t).request.path)).toEqual(['/1']);
  });
});

describe('ConnectionTracker with lifecycle events and UDP', () => {
  const dns = (id: number, response: boolean): Buffer => {
    // A minimal DNS message: header + one question (example.com A IN); responses carry no answers.
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(response ? 0x8180 : 0x0100, 2);
    header.writeUInt16BE(1, 4);
    const question = Buffer.concat([Buffer.from('\x07example\x03com\x00', 'latin1'), Buffer.from([0, 1, 0, 1])]);
    return Buffer.concat([header, question]);
  };

  it('takes the side from connect/accept even when the first bytes would say otherwise', () => {
    const facts = { pid: 100, tid: 100, comm: 'client', fd: 5, connId: 7n, family: 4, transport: 'tcp', netns: 1, cgroupId: 1n } as const;
    const { seen } = track([
      { kind: 'accept', tsNs: 1n, ...facts, localAddr: SERVER.addr, localPort: 8080, remoteAddr: CLIENT.addr, remotePort: 40_000 },
      // A server that speaks first with something that looks like a request still is the server.
      data({ connId: 7n, localPort: 8080, remotePort: 40_000, direction: 'ingress', payload: req('/a'), tsNs: 2n }),
      data({ connId: 7n, localPort: 8080, remotePort: 40_000, direction: 'egress', payload: resp(200), tsNs: 3n }),
    ]);
    expect(seen.map((t) => [t.side, http(t).request.path, http(t).response?.status])).toEqual([['server', '/a', 200]]);
  });

  it('keeps one conversation per UDP peer on a shared socket and flushes all of them on close', () => {
    const udp = (remotePort: number, direction: 'egress' | 'ingress', payload: Buffer, tsNs: bigint) =>
      data({ connId: 9n, transport: 'udp', localPort: 53, remotePort, direction, payload, tsNs, syscall: direction === 'egress' ? 'sendto' : 'recvfrom' });
    const { seen, tracker } = track([
      udp(1111, 'ingress', dns(1, false), 1n),
      udp(2222, 'ingress', dns(2, false), 2n),
      udp(2222, 'egress', dns(2, true), 3n),
      udp(1111, 'egress', dns(1, true), 4n),
    ]);
    expect(seen.map((t) => [t.protocol, t.transport, t.side, t.remote.port])).toEqual([
      ['dns', 'udp', 'server', 2222],
      ['dns', 'udp', 'server', 1111],
    ]);
    expect(tracker.stats.open).toBe(2);
    tracker.closeSocket(9n, 5n);
    expect(tracker.stats.open).toBe(0);
  });
});

describe('ConnectionTracker closes told by the kernel', () => {
  it('flushes a conversation the kernel closed, but not a newer one on the reused socket address', () => {
    const { seen, tracker } = track([data({ direction: 'egress', payload: req('/dying'), tsNs: 100n })]);
    tracker.closeSocketClosedAt(0xffff_0001n, 50n); // closed before this conversation began: a stale report
    expect(seen).toEqual([]);
    tracker.closeSocketClosedAt(0xffff_0001n, 200n);
    expect(seen.map((t) => [http(t).request.path, http(t).response, t.closedNs])).toEqual([['/dying', null, 200n]]);
    expect(tracker.stats.open).toBe(0);
  });
});
