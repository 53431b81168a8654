import { MonotonicClock } from './pipeline/clock.js';
import type { ObservedTransaction } from './pipeline/connections.js';

/**
 * One transaction in the schema `npm run replay` prints, so the agent's `--print` and the replay of a pcap
 * can be compared line by line. Keys beyond the replay schema (`side`, `pid`, `comm`) are additive.
 */
export interface PrintRecord {
  proto: 'http1';
  client: string;
  server: string;
  ts: number;
  latency_ms: number | null;
  req: { method: string; path: string; host: string | null };
  resp: { status: number } | null;
  trace: null;
  side: 'client' | 'server';
  pid: number;
  comm: string;
}

const hostPort = (addr: string, port: number) => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

export function toPrintRecord(t: ObservedTransaction, clock: MonotonicClock): PrintRecord {
  const { request, response } = t.tx;
  const [client, server] = t.side === 'client' ? [t.local, t.remote] : [t.remote, t.local];
  return {
    proto: t.tx.protocol,
    client: hostPort(client.addr, client.port),
    server: hostPort(server.addr, server.port),
    ts: clock.toEpochMs(request.startNs) / 1000,
    latency_ms: response ? MonotonicClock.nsToMs(response.endNs - request.startNs) : null,
    req: { method: request.method, path: request.path, host: request.host },
    resp: response ? { status: response.status } : null,
    trace: null,
    side: t.side,
    pid: t.pid,
    comm: t.comm,
  };
}
