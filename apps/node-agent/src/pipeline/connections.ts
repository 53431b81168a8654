import {
  type ConnectionStitcher,
  createStitcher,
  inferProtocol,
  type ModuleName,
  type StreamDirection,
  type Transaction,
} from '@kinsight/protocol-parsers';
import type { CaptureEvent, DataEvent, LifecycleEvent, Transport } from '../capture/index.js';

/** Which end of the connection the traced process is. */
export type Side = 'client' | 'server';

export interface Endpoint {
  addr: string;
  port: number;
}

/** A parsed transaction plus where it was seen. */
export interface ObservedTransaction {
  tx: Transaction;
  protocol: ModuleName;
  transport: Transport;
  side: Side;
  pid: number;
  comm: string;
  /** struct sock address: joins with the network monitor's per-connection stats */
  connId: bigint;
  netns: number;
  local: Endpoint;
  remote: Endpoint;
  /** kernel monotonic ns when the connection ended, for transactions flushed by a close */
  closedNs: bigint | null;
}

interface Connection {
  connId: bigint;
  pid: number;
  comm: string;
  transport: Transport;
  netns: number;
  local: Endpoint;
  remote: Endpoint;
  firstSeenNs: bigint;
  lastSeenNs: bigint;
  /** undefined until the first bytes tell the protocol and our side */
  parser?: { side: Side; protocol: ModuleName; stitcher: ConnectionStitcher };
  /** not parsed on purpose (see ConnectionTrackerOptions.skip) */
  skipped?: boolean;
  inferenceAttempts: number;
}

export interface ConnectionStats {
  open: number;
  evicted: number;
  unknownProtocol: number;
  transactions: number;
  /** connect/accept events remembered to tell the side of a connection */
  roles: number;
  /** conversations not parsed because `skip` said so */
  skipped: number;
}

export interface ConnectionTrackerOptions {
  onTransaction: (t: ObservedTransaction) => void;
  /** connections tracked at once; the least recently opened is flushed and dropped beyond it */
  maxConnections?: number;
  /** first chunks tried for protocol inference before a connection is ignored */
  maxInferenceAttempts?: number;
  /**
   * Conversations this says yes to are not parsed (e.g. the server side of a call whose client is on this
   * node and captured too, which the aggregate would discard anyway). Asked once per conversation.
   */
  skip?: (side: Side, remote: Endpoint) => boolean;
  /** Told once per skipped TCP conversation, so the capture can stop copying that socket's data in the kernel. */
  onSkip?: (connId: bigint) => void;
}

/** A TCP socket is one conversation; a UDP socket has one per peer. */
type ConversationKey = bigint | string;

function keyOf(event: { connId: bigint; transport: Transport; remoteAddr: string; remotePort: number }): ConversationKey {
  return event.transport === 'tcp' ? event.connId : `${event.connId.toString(16)}|${event.remoteAddr}|${event.remotePort}`;
}

/**
 * Reassembly stage: keeps one parser per socket (per socket and peer for UDP), decides which side of the
 * call this process is (from connect/accept when seen, else from the first bytes), and turns syscall
 * chunks into transactions. Bounded in connections; idle ones are swept.
 */
export class ConnectionTracker {
  private readonly conns = new Map<ConversationKey, Connection>();
  /** connId → the keys of its conversations (one for TCP, one per peer for UDP) */
  private readonly keysOfSocket = new Map<bigint, Set<ConversationKey>>();
  /** connId → side told by connect/accept; bounded like the connections */
  private readonly roles = new Map<bigint, Side>();
  private readonly maxConnections: number;
  private readonly maxInferenceAttempts: number;
  readonly stats: ConnectionStats = { open: 0, evicted: 0, unknownProtocol: 0, transactions: 0, roles: 0, skipped: 0 };

  constructor(private readonly opts: ConnectionTrackerOptions) {
    this.maxConnections = opts.maxConnections ?? 65_536;
    this.maxInferenceAttempts = opts.maxInferenceAttempts ?? 4;
  }

  handle(events: readonly CaptureEvent[]): void {
    for (const event of events) {
      if (event.kind === 'close') this.closeSocket(event.connId, event.tsNs);
      else if (event.kind === 'data') this.data(event);
      else if (event.kind === 'connect' || event.kind === 'accept') this.lifecycle(event);
    }
  }

  /** The socket ended (close syscall, or the kernel saw the TCP connection close): flush its conversations. */
  closeSocket(connId: bigint, tsNs: bigint): void {
    this.roles.delete(connId);
    const keys = this.keysOfSocket.get(connId);
    if (keys) for (const key of [...keys]) this.close(key, tsNs);
    this.stats.roles = this.roles.size;
  }

  /**
   * The kernel saw the TCP connection on this socket close at `closedNs` (the process may have died without
   * close()). Flushes its conversation unless it began after that: a newer connection on a reused address.
   */
  closeSocketClosedAt(connId: bigint, closedNs: bigint): void {
    const keys = this.keysOfSocket.get(connId);
    if (!keys) return;
    for (const key of [...keys]) {
      const conn = this.conns.get(key);
      if (conn && conn.firstSeenNs <= closedNs) this.close(key, closedNs);
    }
  }

  /** Flushes and forgets connections idle since before `idleBeforeNs`. */
  sweep(idleBeforeNs: bigint): void {
    for (const [key, conn] of this.conns) if (conn.lastSeenNs < idleBeforeNs) this.close(key, conn.lastSeenNs);
  }

  /** Flushes every connection (agent shutdown). */
  closeAll(): void {
    for (const [key, conn] of this.conns) this.close(key, conn.lastSeenNs);
  }

  private lifecycle(event: LifecycleEvent): void {
    // A new connect/accept on a socket address means a new connection: flush what the old one left.
    const keys = this.keysOfSocket.get(event.connId);
    if (keys) for (const key of [...keys]) this.close(key, event.tsNs);
    if (this.roles.size >= this.maxConnections) {
      const oldest = this.roles.keys().next();
      if (!oldest.done) this.roles.delete(oldest.value);
    }
    this.roles.set(event.connId, event.kind === 'connect' ? 'client' : 'server');
    this.stats.roles = this.roles.size;
  }

  private data(event: DataEvent): void {
    const key = keyOf(event);
    let conn = this.conns.get(key);
    // A socket address reused by a new connection whose close we missed: start over.
    if (conn && (conn.pid !== event.pid || conn.remote.port !== event.remotePort || conn.local.port !== event.localPort)) {
      this.close(key, conn.lastSeenNs);
      conn = undefined;
    }
    if (!conn) {
      if (this.conns.size >= this.maxConnections) this.evictOldest();
      conn = {
        connId: event.connId,
        pid: event.pid,
        comm: event.comm,
        transport: event.transport,
        netns: event.netns,
        local: { addr: event.localAddr, port: event.localPort },
        remote: { addr: event.remoteAddr, port: event.remotePort },
        firstSeenNs: event.tsNs,
        lastSeenNs: event.tsNs,
        inferenceAttempts: 0,
      };
      this.conns.set(key, conn);
      let keys = this.keysOfSocket.get(event.connId);
      if (!keys) this.keysOfSocket.set(event.connId, (keys = new Set()));
      keys.add(key);
      this.stats.open = this.conns.size;
    }
    conn.lastSeenNs = event.tsNs;
    if (conn.skipped) return;
    if (!conn.parser) {
      if (conn.inferenceAttempts >= this.maxInferenceAttempts || event.payload.length === 0) return;
      conn.inferenceAttempts++;
      const inferred = inferProtocol(event.payload, { transport: event.transport });
      if (!inferred) {
        if (conn.inferenceAttempts === this.maxInferenceAttempts) this.stats.unknownProtocol++;
        return;
      }
      // connect/accept say it outright; otherwise a request leaving this process, or a response arriving,
      // means we are the client.
      const outgoing = event.direction === 'egress';
      const side: Side = this.roles.get(event.connId) ?? ((inferred.kind === 'request') === outgoing ? 'client' : 'server');
      if (this.opts.skip?.(side, conn.remote)) {
        conn.skipped = true;
        this.stats.skipped++;
        if (conn.transport === 'tcp') this.opts.onSkip?.(conn.connId);
        return;
      }
      conn.parser = { side, protocol: inferred.protocol, stitcher: createStitcher(inferred.protocol, { transport: event.transport }) };
    }
    const { side, stitcher } = conn.parser;
    const direction: StreamDirection = (event.direction === 'egress') === (side === 'client') ? 'request' : 'response';
    stitcher.push(direction, { data: event.payload, size: event.size, tsNs: event.tsNs });
    this.emit(conn, stitcher.take(), null);
  }

  private close(key: ConversationKey, tsNs: bigint): void {
    const conn = this.conns.get(key);
    if (!conn) return;
    this.conns.delete(key);
    const keys = this.keysOfSocket.get(conn.connId);
    keys?.delete(key);
    if (keys?.size === 0) this.keysOfSocket.delete(conn.connId);
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
        protocol: conn.parser.protocol,
        transport: conn.transport,
        side: conn.parser.side,
        pid: conn.pid,
        comm: conn.comm,
        connId: conn.connId,
        netns: conn.netns,
        local: conn.local,
        remote: conn.remote,
        closedNs,
      });
    }
  }
}
