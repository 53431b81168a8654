import {
  type ConnectionStitcher,
  createStitcher,
  inferProtocol,
  type StreamDirection,
  type Transaction,
} from '@kinsight/protocol-parsers';
import type { CaptureEvent, DataEvent } from '../capture/index.js';

/** Which end of the connection the traced process is. */
export type Side = 'client' | 'server';

export interface Endpoint {
  addr: string;
  port: number;
}

/** A parsed transaction plus where it was seen. */
export interface ObservedTransaction {
  tx: Transaction;
  side: Side;
  pid: number;
  comm: string;
  local: Endpoint;
  remote: Endpoint;
  /** kernel monotonic ns when the connection ended, for transactions flushed by a close */
  closedNs: bigint | null;
}

interface Connection {
  pid: number;
  comm: string;
  local: Endpoint;
  remote: Endpoint;
  lastSeenNs: bigint;
  /** undefined until the first bytes tell the protocol and our side */
  parser?: { side: Side; stitcher: ConnectionStitcher };
  inferenceAttempts: number;
}

export interface ConnectionStats {
  open: number;
  evicted: number;
  unknownProtocol: number;
  transactions: number;
}

export interface ConnectionTrackerOptions {
  onTransaction: (t: ObservedTransaction) => void;
  /** connections tracked at once; the least recently seen is flushed and dropped beyond it */
  maxConnections?: number;
  /** first chunks tried for protocol inference before a connection is ignored */
  maxInferenceAttempts?: number;
}

/**
 * Reassembly stage: keeps one parser per socket, decides from the first bytes which side of the call this
 * process is, and turns syscall chunks into transactions. Bounded in connections; idle ones are swept.
 */
export class ConnectionTracker {
  private readonly conns = new Map<bigint, Connection>();
  private readonly maxConnections: number;
  private readonly maxInferenceAttempts: number;
  readonly stats: ConnectionStats = { open: 0, evicted: 0, unknownProtocol: 0, transactions: 0 };

  constructor(private readonly opts: ConnectionTrackerOptions) {
    this.maxConnections = opts.maxConnections ?? 65_536;
    this.maxInferenceAttempts = opts.maxInferenceAttempts ?? 4;
  }

  handle(events: readonly CaptureEvent[]): void {
    for (const event of events) {
      if (event.kind === 'close') this.close(event.connId, event.tsNs);
      else this.data(event);
    }
  }

  /** Flushes and forgets connections idle since before `idleBeforeNs`. */
  sweep(idleBeforeNs: bigint): void {
    for (const [id, conn] of this.conns) if (conn.lastSeenNs < idleBeforeNs) this.close(id, conn.lastSeenNs);
  }

  /** Flushes every connection (agent shutdown). */
  closeAll(): void {
    for (const [id, conn] of this.conns) this.close(id, conn.lastSeenNs);
  }

  private data(event: DataEvent): void {
    let conn = this.conns.get(event.connId);
    // A socket address reused by a new connection whose close we missed: start over.
    if (conn && (conn.pid !== event.pid || conn.remote.port !== event.remotePort || conn.local.port !== event.localPort)) {
      this.close(event.connId, conn.lastSeenNs);
      conn = undefined;
    }
    if (!conn) {
      if (this.conns.size >= this.maxConnections) this.evictOldest();
      conn = {
        pid: event.pid,
        comm: event.comm,
        local: { addr: event.localAddr, port: event.localPort },
        remote: { addr: event.remoteAddr, port: event.remotePort },
        lastSeenNs: event.tsNs,
        inferenceAttempts: 0,
      };
      this.conns.set(event.connId, conn);
      this.stats.open = this.conns.size;
    }
    conn.lastSeenNs = event.tsNs;
    if (!conn.parser) {
      if (conn.inferenceAttempts >= this.maxInferenceAttempts || event.payload.length === 0) return;
      conn.inferenceAttempts++;
      const inferred = inferProtocol(event.payload);
      if (!inferred) {
        if (conn.inferenceAttempts === this.maxInferenceAttempts) this.stats.unknownProtocol++;
        return;
      }
      // A request leaving this process, or a response arriving, means we are the client.
      const outgoing = event.direction === 'egress';
      const side: Side = (inferred.kind === 'request') === outgoing ? 'client' : 'server';
      conn.parser = { side, stitcher: createStitcher(inferred.protocol) };
    }
    const { side, stitcher } = conn.parser;
    const direction: StreamDirection = (event.direction === 'egress') === (side === 'client') ? 'request' : 'response';
    stitcher.push(direction, { data: event.payload, size: event.size, tsNs: event.tsNs });
    this.emit(conn, stitcher.take(), null);
  }

  private close(connId: bigint, tsNs: bigint): void {
    const conn = this.conns.get(connId);
    if (!conn) return;
    this.conns.delete(connId);
    this.stats.open = this.conns.size;
    if (conn.parser) this.emit(conn, conn.parser.stitcher.flush(), tsNs);
  }

  /** Drops the connection opened first (Map keeps insertion order): O(1), and idle ones go by sweep anyway. */
  private evictOldest(): void {
    const oldest = this.conns.entries().next();
    if (oldest.done) return;
    this.stats.evicted++;
    this.close(oldest.value[0], oldest.value[1].lastSeenNs);
  }

  private emit(conn: Connection, txs: Transaction[], closedNs: bigint | null): void {
    if (!conn.parser) return;
    for (const tx of txs) {
      this.stats.transactions++;
      this.opts.onTransaction({
        tx,
        side: conn.parser.side,
        pid: conn.pid,
        comm: conn.comm,
        local: conn.local,
        remote: conn.remote,
        closedNs,
      });
    }
  }
}
