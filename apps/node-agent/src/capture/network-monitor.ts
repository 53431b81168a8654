// The kernel end of network quality: loads bpf/src/net_quality.bpf.c and reads its per-connection
// maps every interval, turning cumulative kernel counters into per-interval deltas.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BpfObject, kernelBtfEnum, type RingBufferConsumer } from '@kinsight/libbpf-ts';
import { decodeDropKey, decodeTcpConn, deltaOf, type TcpConnDelta, type TcpConnSnapshot } from './net-stats.js';

export const defaultNetObjectPath = fileURLToPath(new URL('../../../../bpf/.output/net_quality.bpf.o', import.meta.url));
const connsMap = 'ks_tcp_conns';
const dropsMap = 'ks_tcp_drops';
const closedRing = 'ks_tcp_closed';
const statsMap = 'ks_tcp_stats';

export interface NetworkInterval {
  /** connections with any change in this interval */
  connections: TcpConnDelta[];
  /** drops the kernel could not tie to a tracked TCP socket, by reason */
  unattributedDrops: Record<string, number>;
}

export interface NetworkMonitorStats {
  tracked: number;
  /** closed connections whose final counters arrived through the ring */
  closed: number;
  /** closed connections the kernel could not report (ring full) */
  closedLost: number;
  polls: number;
  decodeErrors: number;
}

/** `skb_drop_reason` value → short name (`NO_SOCKET`), from the running kernel's BTF. */
export function dropReasonNames(): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const [name, value] of Object.entries(kernelBtfEnum('skb_drop_reason'))) {
      names.set(value, name.replace(/^SKB_DROP_REASON_/, '').replace(/^SKB_/, ''));
    }
  } catch {
    // A kernel without drop reasons: reasons are reported by number.
  }
  return names;
}

export class NetworkMonitor {
  private readonly last = new Map<bigint, TcpConnSnapshot>();
  private readonly lastDrops = new Map<string, number>();
  private readonly reasons = dropReasonNames();
  private closed = false;
  private pendingClosed: TcpConnSnapshot[] = [];
  private readonly ring: RingBufferConsumer;
  readonly stats: NetworkMonitorStats = { tracked: 0, closed: 0, closedLost: 0, polls: 0, decodeErrors: 0 };

  private constructor(private readonly object: BpfObject) {
    // Bounded: the agent polls every second; past this many waiting, the oldest are dropped and counted.
    this.ring = object.openRingBuffer(
      closedRing,
      (records) => {
        for (const record of records) {
          const snapshot = decodeTcpConn(record.subarray(0, 8), record.subarray(8));
          if (!snapshot) this.stats.decodeErrors++;
          else this.pendingClosed.push(snapshot);
        }
        if (this.pendingClosed.length > 100_000) {
          this.stats.closedLost += this.pendingClosed.length - 100_000;
          this.pendingClosed = this.pendingClosed.slice(-100_000);
        }
      },
      { pollMs: 20, maxBatch: 1024 },
    );
  }

  static open(objectPath: string = defaultNetObjectPath): NetworkMonitor {
    if (!existsSync(objectPath)) {
      throw new Error(`NetworkMonitor: BPF object ${objectPath} is not built; run \`npx nx run bpf:build\``);
    }
    const object = BpfObject.open(objectPath);
    try {
      object.load();
      object.attachAll();
    } catch (error) {
      object.close();
      throw error;
    }
    return new NetworkMonitor(object);
  }

  reasonName(reason: number): string {
    return this.reasons.get(reason) ?? `REASON_${reason}`;
  }

  /** Reads the kernel maps once: what changed since the previous poll. Closed connections are forgotten after. */
  poll(): NetworkInterval {
    if (this.closed) return { connections: [], unattributedDrops: {} };
    this.stats.polls++;
    const deltas: TcpConnDelta[] = [];
    /** the newest delta per sock address, where its drops are charged */
    const bySock = new Map<bigint, TcpConnDelta>();
    const report = (delta: TcpConnDelta): void => {
      deltas.push(delta);
      bySock.set(delta.connId, delta);
    };
    // Closed ones first: a sock address reused since then already holds a newer connection in the map.
    const closedNow = this.pendingClosed;
    this.pendingClosed = [];
    for (const snapshot of closedNow) {
      const before = this.last.get(snapshot.connId);
      const previous = before && before.openedNs === snapshot.openedNs ? before : undefined;
      report(deltaOf(snapshot, previous));
      this.last.delete(snapshot.connId);
      this.stats.closed++;
    }
    const seen = new Set<bigint>();
    for (const [key, value] of this.object.mapEntries(connsMap)) {
      const snapshot = Array.isArray(value) ? null : decodeTcpConn(key, value);
      if (!snapshot) {
        this.stats.decodeErrors++;
        continue;
      }
      seen.add(snapshot.connId);
      const before = this.last.get(snapshot.connId);
      // The same sock address reused by a newer connection: start from zero.
      const previous = before && before.openedNs === snapshot.openedNs ? before : undefined;
      const delta = deltaOf(snapshot, previous);
      if (changed(delta)) report(delta);
      this.last.set(snapshot.connId, snapshot);
    }
    // Entries the LRU evicted (or a closed one we deleted) are gone from the kernel: forget them too.
    for (const id of this.last.keys()) if (!seen.has(id)) this.last.delete(id);

    const unattributedDrops: Record<string, number> = {};
    const dropKeys = new Set<string>();
    for (const [key, value] of this.object.mapEntries(dropsMap)) {
      const drop = decodeDropKey(key);
      if (!drop || Array.isArray(value)) continue;
      const total = Number(value.readBigUInt64LE(0));
      const id = key.toString('hex');
      dropKeys.add(id);
      const delta = total - (this.lastDrops.get(id) ?? 0);
      this.lastDrops.set(id, total);
      if (delta <= 0) continue;
      const name = this.reasonName(drop.reason);
      const target = drop.sk === 0n ? unattributedDrops : bySock.get(drop.sk)?.dropReasons;
      if (target) target[name] = (target[name] ?? 0) + delta;
    }
    for (const id of this.lastDrops.keys()) if (!dropKeys.has(id)) this.lastDrops.delete(id);
    this.stats.closedLost = this.readClosedLost();
    this.stats.tracked = this.last.size;
    return { connections: deltas, unattributedDrops };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ring.close();
    this.object.close();
  }

  private readClosedLost(): number {
    const perCpu = this.object.mapLookup(statsMap, Buffer.alloc(4));
    const values = Array.isArray(perCpu) ? perCpu : perCpu ? [perCpu] : [];
    return values.reduce((sum, v) => sum + Number(v.readBigUInt64LE(0)), 0);
  }
}

function changed(d: TcpConnDelta): boolean {
  return (
    d.opened + d.closed + d.failed + d.retransmits + d.srttSamples + d.resets + d.drops + d.bytesSent + d.bytesReceived + d.segsIn + d.segsOut >
    0
  );
}
