import type { TcpConnDelta } from '../capture/index.js';
import { BUCKET_MS } from './aggregate.js';
import type { PeerRef } from './identity.js';

/** The API's network row: TCP quality per 10 s bucket × edge, counted from the client's point of view. */
export interface NetworkRow {
  bucketStart: number;
  bucketSeconds: 10;
  client: PeerRef;
  server: PeerRef;
  connects: number;
  failedConnects: number;
  resets: number;
  retransmits: number;
  srttSumUs: number;
  srttSamples: number;
  /** client → server */
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  drops?: Record<string, number>;
}

const peerKey = (p: PeerRef) => (p.kind === 'service' ? `s:${p.name}` : `e:${p.address}`);

/** Who owns a socket, learned from syscall events (network tracepoints run in softirq and cannot say). */
export class SocketOwners {
  private readonly owners = new Map<bigint, { pid: number; comm: string }>();

  constructor(private readonly max = 65_536) {}

  get size(): number {
    return this.owners.size;
  }

  set(connId: bigint, pid: number, comm: string): void {
    if (this.owners.has(connId)) return;
    if (this.owners.size >= this.max) {
      const oldest = this.owners.keys().next();
      if (!oldest.done) this.owners.delete(oldest.value);
    }
    this.owners.set(connId, { pid, comm });
  }

  get(connId: bigint): { pid: number; comm: string } | undefined {
    return this.owners.get(connId);
  }

  delete(connId: bigint): void {
    this.owners.delete(connId);
  }
}

/** Sums per-connection deltas into edge rows; bounded like the call aggregate. */
export class NetworkAggregator {
  private readonly rows = new Map<string, NetworkRow>();
  dropped = 0;

  constructor(private readonly maxKeys = 50_000) {}

  get size(): number {
    return this.rows.size;
  }

  add(d: TcpConnDelta, client: PeerRef, server: PeerRef, epochMs: number): void {
    const bucketStart = Math.floor(epochMs / BUCKET_MS) * BUCKET_MS;
    const key = `${bucketStart}|${peerKey(client)}|${peerKey(server)}`;
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= this.maxKeys) {
        this.dropped++;
        return;
      }
      row = {
        bucketStart, bucketSeconds: 10, client, server, connects: 0, failedConnects: 0, resets: 0, retransmits: 0, srttSumUs: 0, srttSamples: 0,
        bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0,
      };
      this.rows.set(key, row);
    }
    const fromServer = d.role === 'server';
    row.connects += d.opened;
    row.failedConnects += d.failed;
    row.resets += d.resets;
    row.retransmits += d.retransmits;
    row.srttSumUs += d.srttSumUs;
    row.srttSamples += d.srttSamples;
    row.bytesSent += fromServer ? d.bytesReceived : d.bytesSent;
    row.bytesReceived += fromServer ? d.bytesSent : d.bytesReceived;
    row.packetsSent += fromServer ? d.segsIn : d.segsOut;
    row.packetsReceived += fromServer ? d.segsOut : d.segsIn;
    for (const [reason, count] of Object.entries(d.dropReasons)) {
      const name = /^[A-Z0-9_]{1,64}$/.test(reason) ? reason : 'OTHER';
      row.drops ??= {};
      row.drops[name] = (row.drops[name] ?? 0) + count;
    }
  }

  drain(beforeEpochMs = Number.POSITIVE_INFINITY): NetworkRow[] {
    const out: NetworkRow[] = [];
    for (const [key, row] of this.rows) {
      if (row.bucketStart + BUCKET_MS <= beforeEpochMs) {
        out.push(row);
        this.rows.delete(key);
      }
    }
    return out;
  }
}
