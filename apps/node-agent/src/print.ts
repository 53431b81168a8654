import { protocolModule, type ReplayRecord } from '@kinsight/protocol-parsers';
import type { TcpConnDelta } from './capture/index.js';
import { MonotonicClock } from './pipeline/clock.js';
import type { ObservedTransaction } from './pipeline/connections.js';

/**
 * One transaction in the schema `npm run replay` prints (the parsers' `toReplay`), so the agent's
 * `--print` and the replay of a pcap can be compared line by line. `side`, `pid`, `comm` are additive.
 */
export type PrintRecord = ReplayRecord & { side: 'client' | 'server'; pid: number; comm: string };

/** One line of `--print-net`: what one connection did in one interval. */
export interface NetPrintRecord {
  ts: number;
  client: string;
  server: string;
  /** which end the counters were read from */
  side: 'client' | 'server' | 'unknown';
  retransmits: number;
  srtt_us: number;
  drops: number;
  drop_reasons: Record<string, number>;
  resets: number;
  bytes_sent: number;
  bytes_recv: number;
  opened: boolean;
  closed: boolean;
  failed: boolean;
  refused: boolean;
  netns: number;
}

export const hostPort = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

export function toPrintRecord(t: ObservedTransaction, clock: MonotonicClock): PrintRecord {
  const timed: { request: { startNs: bigint }; response: { endNs: bigint } | null } = t.tx;
  const fields = protocolModule(t.protocol).toReplay(t.tx);
  const [client, server] = t.side === 'client' ? [t.local, t.remote] : [t.remote, t.local];
  const endNs = timed.response?.endNs ?? null;
  return {
    proto: fields.proto,
    client: hostPort(client.addr, client.port),
    server: hostPort(server.addr, server.port),
    ts: clock.toEpochMs(timed.request.startNs) / 1000,
    latency_ms: endNs === null ? null : MonotonicClock.nsToMs(endNs - timed.request.startNs),
    req: fields.req,
    resp: fields.resp,
    trace: fields.trace,
    side: t.side,
    pid: t.pid,
    comm: t.comm,
  };
}

export function toNetPrintRecord(d: TcpConnDelta, nowMs: number): NetPrintRecord {
  const local = hostPort(d.local.addr, d.local.port);
  const remote = hostPort(d.remote.addr, d.remote.port);
  const [client, server] = d.role === 'server' ? [remote, local] : [local, remote];
  return {
    ts: nowMs / 1000,
    client,
    server,
    side: d.role,
    retransmits: d.retransmits,
    srtt_us: d.srttUs,
    drops: d.drops,
    drop_reasons: d.dropReasons,
    resets: d.resets,
    bytes_sent: d.bytesSent,
    bytes_recv: d.bytesReceived,
    opened: d.opened === 1,
    closed: d.closed === 1,
    failed: d.failed === 1,
    refused: d.refused === 1,
    netns: d.netns,
  };
}
