import type { ProtocolName } from '@kinsight/protocol-parsers';
import { classifyCall, emptyLatencyHistogram, latencyBucketIndex, type StatusClass } from '@kinsight/topology';
import type { PeerRef } from './identity.js';

export const BUCKET_MS = 10_000;

/** One observed call of any protocol, already attributed to a client and a server. */
export interface Call {
  client: PeerRef;
  server: PeerRef;
  protocol: ProtocolName;
  /** HTTP method, Redis command, SQL verb, DNS qtype … (the parsers' `outcome(tx).operation`) */
  operation: string;
  /** the protocol's own status words ("200", "NXDOMAIN", "ERR"), null without a response */
  status: string | null;
  error: boolean;
  /** collapsed route (`/users/{id}`) for HTTP, null for other protocols */
  route: string | null;
  startEpochMs: number;
  latencyMs: number;
}

interface Red {
  requests: number;
  errors: number;
  latencySumMs: number;
  latencyMaxMs: number;
  /** counts per LATENCY_BUCKET_BOUNDS_MS bucket plus overflow: mergeable across agents and buckets */
  latencyHistogram: number[];
}

/** Golden metrics per 10 s bucket × edge × protocol × operation × status class. */
export interface CallRow extends Red {
  bucketStart: number;
  bucketSeconds: 10;
  client: PeerRef;
  server: PeerRef;
  protocol: ProtocolName;
  operation: string;
  statusClass: StatusClass;
}

/** The same per server endpoint: bucket × server × protocol × operation × route × status class. */
export interface EndpointRow extends Red {
  bucketStart: number;
  bucketSeconds: 10;
  server: PeerRef;
  protocol: ProtocolName;
  operation: string;
  route: string;
  statusClass: StatusClass;
}

/** What the API's `edges` section takes (every parsed protocol; the histogram is optional there). */
export interface EdgeRow extends Omit<Red, 'latencyHistogram'> {
  latencyHistogram?: number[];
  bucketStart: number;
  bucketSeconds: 10;
  client: PeerRef;
  server: PeerRef;
  protocol: ProtocolName;
  method: string;
  statusClass: StatusClass;
}

export type WireEndpointRow = Omit<EndpointRow, 'operation'> & { method: string };

const peerKey = (p: PeerRef) => (p.kind === 'service' ? `s:${p.name}` : `e:${p.address}`);

function addTo(row: Red, call: Call, error: boolean): void {
  const latency = Math.max(0, call.latencyMs);
  row.requests++;
  if (error) row.errors++;
  row.latencySumMs += latency;
  row.latencyMaxMs = Math.max(row.latencyMaxMs, latency);
  const index = latencyBucketIndex(latency);
  row.latencyHistogram[index] = (row.latencyHistogram[index] ?? 0) + 1;
}

const emptyRed = (): Red => ({ requests: 0, errors: 0, latencySumMs: 0, latencyMaxMs: 0, latencyHistogram: emptyLatencyHistogram() });

/**
 * Aggregate stage. Bounded: past `maxKeys` open rows (edges and endpoints each) new keys are dropped and
 * counted, so a cardinality explosion costs data, never memory.
 */
export class EdgeAggregator {
  private readonly edges = new Map<string, CallRow>();
  private readonly endpoints = new Map<string, EndpointRow>();
  /**
   * The rows the last call was counted in. Calls come in runs on the same edge, and a row's fields are
   * what its key is made of: a call whose fields equal them belongs to that row, found without building
   * and hashing the key. Forgotten when rows are drained.
   */
  private lastEdge: CallRow | null = null;
  private lastEndpoint: EndpointRow | null = null;
  dropped = 0;

  constructor(private readonly maxKeys = 50_000) {}

  get size(): number {
    return this.edges.size + this.endpoints.size;
  }

  add(call: Call): void {
    const bucketStart = Math.floor(call.startEpochMs / BUCKET_MS) * BUCKET_MS;
    // One rule with the API's ingest checks: a client error (4xx, WRONGTYPE, NXDOMAIN…) is never an error.
    const { statusClass, error } = classifyCall(call.protocol, call.status, call.error);
    let base: string | null = null;
    let edge = this.lastEdge;
    if (edge === null || !sameRow(edge, bucketStart, call, statusClass) || !samePeer(edge.client, call.client)) {
      base = baseKey(bucketStart, call, statusClass);
      const key = `${base}|${peerKey(call.client)}`;
      // The row literal is built only when the key is new (`??` short-circuits).
      edge =
        this.edges.get(key) ??
        this.insert(this.edges, key, { bucketStart, bucketSeconds: 10, client: call.client, server: call.server, protocol: call.protocol, operation: call.operation, statusClass, ...emptyRed() });
      if (edge === null) return;
      this.lastEdge = edge;
    }
    addTo(edge, call, error);
    if (call.route === null) return;
    let endpoint = this.lastEndpoint;
    if (endpoint === null || !sameRow(endpoint, bucketStart, call, statusClass) || endpoint.route !== call.route) {
      const key = `${base ?? baseKey(bucketStart, call, statusClass)}|${call.route}`;
      endpoint =
        this.endpoints.get(key) ??
        this.insert(this.endpoints, key, { bucketStart, bucketSeconds: 10, server: call.server, protocol: call.protocol, operation: call.operation, route: call.route, statusClass, ...emptyRed() });
      if (endpoint === null) return;
      this.lastEndpoint = endpoint;
    }
    addTo(endpoint, call, error);
  }

  /** Opens a row unless `maxKeys` rows are open already: then the call is dropped and counted. */
  private insert<T>(rows: Map<string, T>, key: string, row: T): T | null {
    if (rows.size >= this.maxKeys) {
      this.dropped++;
      return null;
    }
    rows.set(key, row);
    return row;
  }

  /** Removes and returns the rows whose bucket ended before `beforeEpochMs` (all rows when omitted). */
  drain(beforeEpochMs = Number.POSITIVE_INFINITY): { edges: CallRow[]; endpoints: EndpointRow[] } {
    this.lastEdge = null;
    this.lastEndpoint = null;
    return { edges: takeEnded(this.edges, beforeEpochMs), endpoints: takeEnded(this.endpoints, beforeEpochMs) };
  }
}

/** The key fields edge and endpoint rows share. */
function baseKey(bucketStart: number, call: Call, statusClass: StatusClass): string {
  return `${bucketStart}|${peerKey(call.server)}|${call.protocol}|${call.operation}|${statusClass}`;
}

/** Same PeerRef as far as `peerKey` can tell. */
function samePeer(a: PeerRef, b: PeerRef): boolean {
  if (a.kind === 'service') return b.kind === 'service' && a.name === b.name;
  return b.kind === 'external' && a.address === b.address;
}

/** The key fields edge and endpoint rows share, against a call's. */
function sameRow(row: CallRow | EndpointRow, bucketStart: number, call: Call, statusClass: StatusClass): boolean {
  return row.bucketStart === bucketStart && row.statusClass === statusClass && row.operation === call.operation && row.protocol === call.protocol && samePeer(row.server, call.server);
}

function takeEnded<T extends { bucketStart: number }>(rows: Map<string, T>, beforeEpochMs: number): T[] {
  const out: T[] = [];
  for (const [key, row] of rows) {
    if (row.bucketStart + BUCKET_MS <= beforeEpochMs) {
      out.push(row);
      rows.delete(key);
    }
  }
  return out;
}

// What the API accepts as an operation: visible ASCII without spaces, at most 128 characters.
const OPERATION = /^[\x21-\x7e]{1,128}$/;

/** The rows the API's edges section accepts; operations it would refuse stay on /metrics and --print. */
export function toWireEdges(rows: readonly CallRow[]): EdgeRow[] {
  return rows.filter((r) => OPERATION.test(r.operation)).map(({ operation, ...rest }) => ({ ...rest, method: operation }));
}

export function toWireEndpoints(rows: readonly EndpointRow[]): WireEndpointRow[] {
  return rows.filter((r) => OPERATION.test(r.operation)).map(({ operation, ...rest }) => ({ ...rest, method: operation }));
}
