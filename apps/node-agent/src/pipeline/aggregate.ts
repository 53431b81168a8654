import type { PeerRef } from './identity.js';

export const BUCKET_MS = 10_000;

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'other';

/** One observed call, already attributed to a client and a server. */
export interface Call {
  client: PeerRef;
  server: PeerRef;
  protocol: 'http1';
  method: string;
  /** HTTP status, or null when the connection ended without a response */
  status: number | null;
  startEpochMs: number;
  latencyMs: number;
}

/** The aggregate the API stores: one row per bucket × edge × method × status class. */
export interface EdgeRow {
  bucketStart: number;
  bucketSeconds: 10;
  client: PeerRef;
  server: PeerRef;
  protocol: 'http1';
  method: string;
  statusClass: StatusClass;
  requests: number;
  errors: number;
  latencySumMs: number;
  latencyMaxMs: number;
}

export function statusClassOf(status: number | null): StatusClass {
  if (status === null || status < 100 || status > 599) return 'other';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

/** Server errors and calls that got no answer count as errors; 4xx are the client's mistake. */
export function isError(status: number | null): boolean {
  return status === null || status >= 500;
}

const peerKey = (p: PeerRef) => (p.kind === 'service' ? `s:${p.name}` : `e:${p.address}`);

/**
 * Golden metrics per 10 s bucket and edge. Bounded: past `maxKeys` open rows new keys are dropped
 * and counted, so a cardinality explosion costs data, never memory.
 */
export class EdgeAggregator {
  private readonly rows = new Map<string, EdgeRow>();
  dropped = 0;

  constructor(private readonly maxKeys = 50_000) {}

  get size(): number {
    return this.rows.size;
  }

  add(call: Call): void {
    const bucketStart = Math.floor(call.startEpochMs / BUCKET_MS) * BUCKET_MS;
    const statusClass = statusClassOf(call.status);
    const key = `${bucketStart}|${peerKey(call.client)}|${peerKey(call.server)}|${call.protocol}|${call.method}|${statusClass}`;
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= this.maxKeys) {
        this.dropped++;
        return;
      }
      row = {
        bucketStart,
        bucketSeconds: 10,
        client: call.client,
        server: call.server,
        protocol: call.protocol,
        method: call.method,
        statusClass,
        requests: 0,
        errors: 0,
        latencySumMs: 0,
        latencyMaxMs: 0,
      };
      this.rows.set(key, row);
    }
    const latency = Math.max(0, call.latencyMs);
    row.requests++;
    if (isError(call.status)) row.errors++;
    row.latencySumMs += latency;
    row.latencyMaxMs = Math.max(row.latencyMaxMs, latency);
  }

  /** Removes and returns the rows whose bucket ended before `beforeEpochMs` (all rows when omitted). */
  drain(beforeEpochMs = Number.POSITIVE_INFINITY): EdgeRow[] {
    const out: EdgeRow[] = [];
    for (const [key, row] of this.rows) {
      if (row.bucketStart + BUCKET_MS <= beforeEpochMs) {
        out.push(row);
        this.rows.delete(key);
      }
    }
    return out;
  }
}
