import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type CaptureEvent, KernelCapture } from './capture/index.js';
import { AgentMetrics } from './metrics.js';
import { type Call, EdgeAggregator } from './pipeline/aggregate.js';
import { MonotonicClock } from './pipeline/clock.js';
import { ConnectionTracker, type ObservedTransaction } from './pipeline/connections.js';
import { ServiceResolver } from './pipeline/identity.js';
import { BatchSender } from './pipeline/sender.js';
import { toPrintRecord, type PrintRecord } from './print.js';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  log: Logger;
  /** where batches go; omitted in print mode */
  api?: { url: string; token: string; agentId: string };
  /** print mode: every transaction as one JSON line instead of aggregates */
  print?: (record: PrintRecord) => void;
  filter?: { pid?: number; port?: number };
  objectPath?: string;
  payloadCap?: number;
  /** a bucket is sent this long after it ends, so late events still land in it */
  bucketGraceMs?: number;
  flushEveryMs?: number;
  /** connections silent this long are flushed and forgotten */
  idleConnectionMs?: number;
}

/**
 * The node agent: decode → reassemble → parse → aggregate → send, one stage after another on the
 * event loop; the ring buffer is drained on a native thread and arrives here in batches.
 */
export class Agent {
  readonly metrics = new AgentMetrics();
  private readonly clock = new MonotonicClock();
  private readonly resolver = new ServiceResolver();
  private readonly aggregator = new EdgeAggregator();
  private readonly tracker: ConnectionTracker;
  private readonly sender: BatchSender | null;
  private capture: KernelCapture | null = null;
  private timer: NodeJS.Timeout | null = null;
  private skippedServerSide = 0;

  constructor(private readonly opts: AgentOptions) {
    this.tracker = new ConnectionTracker({ onTransaction: (t) => this.onTransaction(t) });
    this.sender = opts.api
      ? new BatchSender({
          apiUrl: opts.api.url,
          token: opts.api.token,
          agent: { id: opts.api.agentId, hostname: hostname().slice(0, 253), version: AGENT_VERSION },
          log: opts.log,
        })
      : null;
    this.metrics.pipeline({
      decode: {
        ring_drops: () => this.capture?.stats().ringDrops ?? 0,
        decode_errors: () => this.capture?.stats().decodeErrors ?? 0,
        dropped_batches: () => this.capture?.stats().droppedBatches ?? 0,
      },
      reassemble: {
        open_connections: () => this.tracker.stats.open,
        evicted: () => this.tracker.stats.evicted,
        unknown_protocol: () => this.tracker.stats.unknownProtocol,
      },
      parse: { transactions: () => this.tracker.stats.transactions },
      aggregate: { open_rows: () => this.aggregator.size, dropped: () => this.aggregator.dropped },
      send: {
        queued: () => this.sender?.stats.queued ?? 0,
        sent: () => this.sender?.stats.sent ?? 0,
        rejected: () => this.sender?.stats.rejected ?? 0,
        dropped: () => this.sender?.stats.dropped ?? 0,
        retries: () => this.sender?.stats.retries ?? 0,
      },
    });
  }

  /** Opens, loads and attaches the BPF programs, then starts the pipeline. Throws naming the failed step. */
  start(): void {
    this.capture = KernelCapture.open({
      ...(this.opts.objectPath === undefined ? {} : { objectPath: this.opts.objectPath }),
      ...(this.opts.payloadCap === undefined ? {} : { payloadCap: this.opts.payloadCap }),
      excludeTgid: process.pid,
    });
    this.capture.start((events) => this.onEvents(events));
    this.timer = setInterval(() => this.tick(), this.opts.flushEveryMs ?? 1_000);
    this.opts.log.info({ pid: process.pid }, 'eBPF capture attached');
  }

  /** Stops capture, flushes every open connection and bucket, and waits (bounded) for delivery. */
  async stop(deliveryTimeoutMs = 10_000): Promise<{ delivered: boolean }> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.capture?.close();
    this.capture = null;
    this.tracker.closeAll();
    const rows = this.aggregator.drain();
    if (!this.sender) return { delivered: true };
    if (rows.length > 0) this.sender.enqueue(rows);
    const delivered = await this.sender.drain(deliveryTimeoutMs);
    this.sender.stop();
    return { delivered };
  }

  get senderStats() {
    return this.sender?.stats ?? null;
  }

  private onEvents(events: CaptureEvent[]): void {
    this.metrics.events.inc(events.length);
    try {
      this.tracker.handle(events);
    } catch (err) {
      // A bug in one stage must not take the agent down: log it and keep capturing.
      this.opts.log.error({ err }, 'pipeline failed on a batch of events; batch skipped');
    }
  }

  private tick(): void {
    const nowMs = Date.now();
    const idleMs = this.opts.idleConnectionMs ?? 600_000;
    this.tracker.sweep(process.hrtime.bigint() - BigInt(idleMs) * 1_000_000n);
    const rows = this.aggregator.drain(nowMs - (this.opts.bucketGraceMs ?? 2_000));
    if (rows.length > 0) this.sender?.enqueue(rows);
  }

  private onTransaction(t: ObservedTransaction): void {
    this.metrics.transactions.inc({ side: t.side });
    const call = this.attribute(t);
    if (!call) return;
    const { filter, print } = this.opts;
    if (print) {
      if (filter?.pid !== undefined && filter.pid !== t.pid) return;
      if (filter?.port !== undefined && filter.port !== t.local.port && filter.port !== t.remote.port) return;
      print(toPrintRecord(t, this.clock));
      return;
    }
    this.metrics.calls.inc();
    this.aggregator.add(call);
  }

  /**
   * Each call is counted once. The client's side is preferred: it sees the latency the caller felt. The
   * server's side counts only calls from outside this node, whose client we cannot see.
   */
  private attribute(t: ObservedTransaction): Call | null {
    const { request, response } = t.tx;
    let client;
    let server;
    if (t.side === 'client') {
      client = this.resolver.serviceOfPid(t.pid, t.comm);
      server = this.resolver.serverAt(t.remote.addr, t.remote.port);
    } else {
      if (this.resolver.isLocalAddress(t.remote.addr)) {
        this.skippedServerSide++;
        return null;
      }
      client = { kind: 'external' as const, address: t.remote.addr };
      server = this.resolver.serviceOfPid(t.pid, t.comm);
    }
    const endNs = response?.endNs ?? t.closedNs ?? request.endNs;
    return {
      client,
      server,
      protocol: t.tx.protocol,
      method: request.method,
      status: response?.status ?? null,
      startEpochMs: this.clock.toEpochMs(request.startNs),
      latencyMs: MonotonicClock.nsToMs(endNs - request.startNs),
    };
  }
}
