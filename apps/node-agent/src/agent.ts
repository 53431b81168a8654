import { hostname } from 'node:os';
import { protocolModule } from '@kinsight/protocol-parsers';
import type { Logger } from 'pino';
import { type CaptureEvent, type CaptureFilter, KernelCapture, NetworkMonitor, type TcpConnDelta } from './capture/index.js';
import { AgentMetrics } from './metrics.js';
import { type Call, EdgeAggregator, toWireEdges, toWireEndpoints } from './pipeline/aggregate.js';
import { MonotonicClock } from './pipeline/clock.js';
import { ConnectionTracker, type ObservedTransaction } from './pipeline/connections.js';
import { PodsSection } from './k8s/pods-section.js';
import type { KubeIndex } from './k8s/index-model.js';
import { type PeerRef, ServiceResolver } from './pipeline/identity.js';
import { LogAggregator, LogCollector, type LogLine } from './pipeline/logs.js';
import { NetworkAggregator, SocketOwners } from './pipeline/network.js';
import { ResourceAggregator, ResourceMonitor, type ResourceSample } from './pipeline/resource-monitor.js';
import { RouteLimiter } from './pipeline/routes.js';
import { type BatchSections, BatchSender } from './pipeline/sender.js';
import type { CpuGovernor } from './scheduling.js';
import { type NetPrintRecord, type PrintRecord, toNetPrintRecord, toPrintRecord } from './print.js';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  log: Logger;
  /** where batches go; omitted in print mode */
  /** where batches go; `spoolDir` keeps undelivered batches on disk across API outages and restarts */
  api?: { url: string; token: string; agentId: string; spoolDir?: string };
  /** print mode: every transaction as one JSON line instead of aggregates */
  print?: (record: PrintRecord) => void;
  /** every interval, one line per connection that changed */
  printNet?: (record: NetPrintRecord) => void;
  /** applied in the kernel (BPF maps) and again here */
  filter?: { pid?: number; port?: number };
  objectPath?: string;
  netObjectPath?: string;
  payloadCap?: number;
  ringBytes?: number;
  /** a bucket is sent this long after it ends, so late events still land in it */
  bucketGraceMs?: number;
  flushEveryMs?: number;
  /** connections silent this long are flushed and forgotten */
  idleConnectionMs?: number;
  /** network quality and resources are read this often */
  sampleEveryMs?: number;
  /** the cluster's pods and services (Kubernetes): names services `<service>.<namespace>` and reports this node's pods */
  kube?: { index: KubeIndex; node: string };
  /** network quality from tcp/sock/skb tracepoints (default on) */
  network?: boolean;
  /** the agent's CPU priority (scheduling.ts), told how far behind the kernel the pipeline runs */
  cpu?: CpuGovernor;
}

/** What the agent aggregated but cannot send because the API does not accept it yet (see /metrics). */
export interface UnsentTotals {
  /** calls whose operation the API would refuse (not visible ASCII, or longer than 128 characters) */
  calls: number;
  /** endpoint rows whose route the API would refuse (not a path, e.g. `OPTIONS *`) */
  endpointRows: number;
}

/** Rows per batch over all sections (the API takes at most 20,000). */
const ROWS_PER_BATCH = 5_000;

/**
 * The node agent: decode → reassemble → parse → aggregate → send, one stage after another on the event
 * loop; the ring buffer is drained on a native thread and arrives here in batches. Network quality and
 * resources are sampled on a timer and joined to the same edges.
 */
export class Agent {
  readonly metrics = new AgentMetrics();
  private readonly clock = new MonotonicClock();
  private readonly resolver: ServiceResolver;
  private readonly pods: PodsSection | null;
  private readonly aggregator = new EdgeAggregator();
  private readonly networkRows = new NetworkAggregator();
  private readonly resourceRows = new ResourceAggregator(hostname().slice(0, 253));
  private readonly logRows = new LogAggregator();
  private readonly routes = new RouteLimiter();
  private readonly owners = new SocketOwners();
  private readonly resources = new ResourceMonitor();
  private readonly tracker: ConnectionTracker;
  private readonly logs: LogCollector;
  private readonly sender: BatchSender | null;
  private capture: KernelCapture | null = null;
  /** stop() has begun: batch lag no longer tells the CPU governor anything */
  private stopping = false;
  private network: NetworkMonitor | null = null;
  private timers: NodeJS.Timeout[] = [];
  private pipelineErrors = 0;
  /** sockets the kernel reported closed in the previous sample; flushed in this one (see sample()) */
  private kernelClosed: { connId: bigint; closedNs: bigint }[] = [];
  /** ring drops + dropped batches at the last tick, for the CPU governor */
  private lostAtLastTick = 0;
  readonly unsent: UnsentTotals = { calls: 0, endpointRows: 0 };

  constructor(private readonly opts: AgentOptions) {
    this.resolver = new ServiceResolver(opts.kube ? { kube: opts.kube.index } : {});
    this.pods = opts.kube ? new PodsSection(opts.kube.index, opts.kube.node) : null;
    const unfiltered = opts.filter?.pid === undefined && opts.filter?.port === undefined;
    this.tracker = new ConnectionTracker({
      onTransaction: (t) => this.onTransaction(t),
      // Aggregates count a call from its client when the client is on this node: the server side of such a
      // call would be parsed only to be dropped. (Print mode shows both sides; filters may hide the client.)
      // The kernel then stops copying that socket's data (ks_skip_socks): half the events of a node-local call.
      ...(opts.print || !unfiltered
        ? {}
        : { skip: (side, remote) => side === 'server' && this.resolver.isLocalAddress(remote.addr), onSkip: (connId) => this.capture?.skipSocket(connId) }),
    });
    this.logs = new LogCollector({ onLine: (line) => this.onLogLine(line) });
    this.sender = opts.api
      ? new BatchSender({
          apiUrl: opts.api.url,
          token: opts.api.token,
          agent: { id: opts.api.agentId, hostname: hostname().slice(0, 253), version: AGENT_VERSION },
          log: opts.log,
          ...(opts.api.spoolDir === undefined ? {} : { spoolDir: opts.api.spoolDir }),
        })
      : null;
    const captureStat = (pick: (s: ReturnType<KernelCapture['stats']>) => number) => () => {
      const stats = this.capture?.stats();
      return stats ? pick(stats) : 0;
    };
    this.metrics.pipeline({
      decode: {
        submitted: captureStat((s) => s.submitted),
        events: captureStat((s) => s.events),
        ring_drops: captureStat((s) => s.ringDrops),
        decode_errors: captureStat((s) => s.decodeErrors),
        dropped_batches: captureStat((s) => s.droppedBatches),
        filtered: captureStat((s) => s.filtered),
        skipped_in_kernel: captureStat((s) => s.skipped),
        payload_faults: captureStat((s) => s.payloadFaults),
        pipeline_errors: () => this.pipelineErrors,
      },
      reassemble: {
        open_connections: () => this.tracker.stats.open,
        evicted: () => this.tracker.stats.evicted,
        unknown_protocol: () => this.tracker.stats.unknownProtocol,
        roles: () => this.tracker.stats.roles,
        skipped_local_server_side: () => this.tracker.stats.skipped,
        socket_owners: () => this.owners.size,
      },
      parse: { transactions: () => this.tracker.stats.transactions },
      aggregate: {
        open_rows: () => this.aggregator.size,
        dropped: () => this.aggregator.dropped,
        routes_overflowed: () => this.routes.overflowed,
        network_rows: () => this.networkRows.size,
        network_dropped: () => this.networkRows.dropped,
        log_dropped: () => this.logRows.dropped,
        unsent_calls: () => this.unsent.calls,
        unsent_endpoint_rows: () => this.unsent.endpointRows,
      },
      logs: {
        lines: () => this.logs.stats.lines,
        truncated: () => this.logs.stats.truncated,
        evicted: () => this.logs.stats.evicted,
        rate_limited: captureStat((s) => s.logRateLimited),
      },
      network: {
        polls: () => this.network?.stats.polls ?? 0,
        tracked: () => this.network?.stats.tracked ?? 0,
        closed: () => this.network?.stats.closed ?? 0,
        closed_lost: () => this.network?.stats.closedLost ?? 0,
        decode_errors: () => this.network?.stats.decodeErrors ?? 0,
      },
      schedule: {
        idle_policy: () => (opts.cpu?.policy === 'idle' ? 1 : 0),
        escalations: () => opts.cpu?.escalations ?? 0,
      },
      resources: { watched: () => this.resources.stats.watched, gone: () => this.resources.stats.gone, forgotten: () => this.resources.stats.forgotten },
      spool: { queued: () => this.sender?.stats.queued ?? 0, dropped: () => this.sender?.stats.dropped ?? 0 },
      send: {
        sent: () => this.sender?.stats.sent ?? 0,
        duplicates: () => this.sender?.stats.duplicates ?? 0,
        rejected: () => this.sender?.stats.rejected ?? 0,
        retries: () => this.sender?.stats.retries ?? 0,
      },
    });
  }

  /** Opens, loads and attaches the BPF programs, then starts the pipeline. Throws naming the failed step. */
  start(): void {
    this.capture = KernelCapture.open({
      ...(this.opts.objectPath === undefined ? {} : { objectPath: this.opts.objectPath }),
      ...(this.opts.payloadCap === undefined ? {} : { payloadCap: this.opts.payloadCap }),
      ringBytes: this.opts.ringBytes ?? 4 * 1024 * 1024,
      excludeTgid: process.pid,
    });
    const { filter } = this.opts;
    const kernelFilter: CaptureFilter = {
      ...(filter?.pid === undefined ? {} : { pids: [filter.pid] }),
      ...(filter?.port === undefined ? {} : { ports: [filter.port] }),
    };
    if (kernelFilter.pids || kernelFilter.ports) this.capture.setFilter(kernelFilter);
    this.capture.start((events) => this.onEvents(events));
    if (this.opts.network !== false) {
      try {
        this.network = NetworkMonitor.open(this.opts.netObjectPath);
      } catch (err) {
        this.opts.log.warn({ err }, 'network quality tracepoints could not be attached; continuing with L7 capture only');
      }
    }
    this.timers.push(setInterval(() => this.tick(), this.opts.flushEveryMs ?? 1_000));
    this.timers.push(setInterval(() => this.sample(), this.opts.sampleEveryMs ?? 1_000));
    this.opts.log.info({ pid: process.pid, network: this.network !== null }, 'eBPF capture attached');
  }

  /** Stops capture, flushes every open connection and bucket, and waits (bounded) for delivery. */
  async stop(deliveryTimeoutMs = 10_000): Promise<{ delivered: boolean }> {
    // Detaching the programs blocks this thread for a second or two while the drain thread goes on: batches
    // handled after that are late because of the shutdown, not because the agent fell behind.
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.capture) this.sample();
    this.capture?.close();
    this.capture = null;
    this.network?.close();
    this.network = null;
    this.tracker.closeAll();
    this.flush(Number.POSITIVE_INFINITY);
    if (!this.sender) return { delivered: true };
    const delivered = await this.sender.drain(deliveryTimeoutMs);
    this.sender.stop();
    return { delivered };
  }

  get senderStats() {
    return this.sender?.stats ?? null;
  }

  get captureStats() {
    return this.capture?.stats() ?? null;
  }

  /** Reads network quality and resources now (also runs on its timer). */
  sample(): void {
    try {
      const nowMs = Date.now();
      if (this.network) {
        // A socket's last data may still sit in the capture ring when the TCP close is read: flush the
        // connections the kernel closed one sample later, so their final response is not cut off.
        for (const { connId, closedNs } of this.kernelClosed) this.tracker.closeSocketClosedAt(connId, closedNs);
        const interval = this.network.poll();
        this.kernelClosed = interval.connections.filter((d) => d.closed === 1).map((d) => ({ connId: d.connId, closedNs: d.closedNs }));
        for (const delta of interval.connections) this.onNetworkDelta(delta, nowMs);
      }
      for (const sample of this.resources.sample()) this.onResourceSample(sample, nowMs);
    } catch (err) {
      this.pipelineErrors++;
      this.opts.log.error({ err }, 'sampling network quality or resources failed; next interval retries');
    }
  }

  private onEvents(events: CaptureEvent[]): void {
    this.metrics.counts.events += events.length;
    try {
      for (const event of events) {
        if (event.kind === 'log') this.logs.handle(event);
        else if (event.kind !== 'close') {
          this.owners.set(event.connId, event.pid, event.comm);
          this.resources.watch(event.pid);
        }
      }
      this.tracker.handle(events);
      const newest = events.at(-1);
      if (this.opts.cpu && newest && !this.stopping) this.opts.cpu.observeLag(Number(process.hrtime.bigint() - newest.tsNs) / 1e6, Date.now());
    } catch (err) {
      // A bug in one stage must not take the agent down: log it and keep capturing.
      this.pipelineErrors++;
      this.opts.log.error({ err }, 'pipeline failed on a batch of events; batch skipped');
    }
  }

  private tick(): void {
    const idleMs = this.opts.idleConnectionMs ?? 600_000;
    this.tracker.sweep(process.hrtime.bigint() - BigInt(idleMs) * 1_000_000n);
    this.flush(Date.now() - (this.opts.bucketGraceMs ?? 2_000));
    const stats = this.capture?.stats();
    if (this.opts.cpu && stats) {
      const lost = stats.ringDrops + stats.droppedBatches;
      this.opts.cpu.tick(lost - this.lostAtLastTick, Date.now());
      this.lostAtLastTick = lost;
    }
  }

  private flush(beforeEpochMs: number): void {
    const { edges, endpoints } = this.aggregator.drain(beforeEpochMs);
    const wireEdges = toWireEdges(edges);
    const calls = (rows: readonly { requests: number }[]) => rows.reduce((n, r) => n + r.requests, 0);
    this.unsent.calls += calls(edges) - calls(wireEdges);
    const wireEndpoints = toWireEndpoints(endpoints).filter((e) => e.route.startsWith('/') && e.route.length <= 256);
    this.unsent.endpointRows += endpoints.length - wireEndpoints.length;
    const sections = {
      edges: wireEdges,
      endpoints: wireEndpoints,
      network: this.networkRows.drain(beforeEpochMs),
      resources: this.resourceRows.drain(beforeEpochMs),
      logs: this.logRows.drain(beforeEpochMs),
    };
    if (this.sender) for (const batch of splitSections(sections, ROWS_PER_BATCH)) this.sender.enqueueSections(batch);
    const pods = this.pods?.take(Date.now()) ?? [];
    if (this.sender && pods.length > 0) for (let i = 0; i < pods.length; i += ROWS_PER_BATCH) this.sender.enqueueSections({ edges: [], pods: pods.slice(i, i + ROWS_PER_BATCH) });
  }

  private onTransaction(t: ObservedTransaction): void {
    this.metrics.counts.transactions[t.side]++;
    const { filter, print } = this.opts;
    if (filter?.pid !== undefined && filter.pid !== t.pid) return;
    if (filter?.port !== undefined && filter.port !== t.local.port && filter.port !== t.remote.port) return;
    if (print) {
      print(toPrintRecord(t, this.clock));
      return;
    }
    const call = this.attribute(t);
    if (!call) return;
    this.metrics.counts.calls++;
    this.aggregator.add(call);
  }

  private onNetworkDelta(delta: TcpConnDelta, nowMs: number): void {
    const owner = this.owners.get(delta.connId);
    if (delta.closed) this.owners.delete(delta.connId);
    if (this.opts.printNet) {
      const { filter } = this.opts;
      const portMatch = filter?.port === undefined || filter.port === delta.local.port || filter.port === delta.remote.port;
      const pidMatch = filter?.pid === undefined || owner?.pid === filter.pid;
      if (portMatch && pidMatch) this.opts.printNet(toNetPrintRecord(delta, nowMs));
      return;
    }
    const edge = this.edgeOfSocket(delta, owner);
    if (edge) this.networkRows.add(delta, edge.client, edge.server, nowMs);
  }

  /** Client and server of a socket; a loopback connection is counted once, from its client side. */
  private edgeOfSocket(d: TcpConnDelta, owner: { pid: number; comm: string } | undefined): { client: PeerRef; server: PeerRef } | null {
    const me: PeerRef = owner ? this.resolver.serviceOfPid(owner.pid, owner.comm) : { kind: 'external', address: d.local.addr };
    if (d.role === 'server') {
      if (this.resolver.isLocalAddress(d.remote.addr)) return null;
      return { client: { kind: 'external', address: d.remote.addr }, server: me };
    }
    if (d.role === 'unknown' && !owner) return null;
    return { client: me, server: this.resolver.serverAt(d.remote.addr, d.remote.port, d.netns) };
  }

  private onResourceSample(sample: ResourceSample, nowMs: number): void {
    this.resourceRows.add(sample, nowMs);
  }

  private onLogLine(line: LogLine): void {
    const source = this.resolver.serviceOfPid(line.pid, line.comm);
    this.logRows.add(source.kind === 'service' ? source.name : line.comm, line.line, this.clock.toEpochMs(line.tsNs));
  }

  /**
   * Each call is counted once. The client's side is preferred: it sees the latency the caller felt. The
   * server's side counts only calls from outside this node, whose client we cannot see.
   */
  private attribute(t: ObservedTransaction): Call | null {
    // A response whose request was never seen (capture began mid-call) has no latency or operation to count.
    if (t.tx.protocol === 'http1' && t.tx.request.fromResponse) return null;
    const timed: { request: { startNs: bigint; endNs: bigint }; response: { endNs: bigint } | null } = t.tx;
    let client: PeerRef;
    let server: PeerRef;
    if (t.side === 'client') {
      client = this.resolver.serviceOfPid(t.pid, t.comm);
      server = this.resolver.serverAt(t.remote.addr, t.remote.port, t.netns);
    } else {
      if (this.resolver.isLocalAddress(t.remote.addr)) return null;
      client = { kind: 'external', address: t.remote.addr };
      server = this.resolver.serviceOfPid(t.pid, t.comm);
    }
    const outcome = protocolModule(t.protocol).outcome(t.tx);
    const path = t.tx.protocol === 'http1' ? t.tx.request.path : t.tx.protocol === 'http2' ? t.tx.request.path : null;
    const serverName = server.kind === 'service' ? server.name : server.address;
    const endNs = timed.response?.endNs ?? t.closedNs ?? timed.request.endNs;
    return {
      client,
      server,
      protocol: t.tx.protocol,
      operation: outcome.operation,
      status: outcome.status,
      error: outcome.error,
      route: path === null ? null : this.routes.route(serverName, path),
      startEpochMs: this.clock.toEpochMs(timed.request.startNs),
      latencyMs: MonotonicClock.nsToMs(endNs - timed.request.startNs),
    };
  }
}

type SectionName = 'edges' | 'endpoints' | 'network' | 'resources' | 'logs';

/** Cuts the sections into batches of at most `maxRows` rows in all. */
export function splitSections(sections: Pick<Required<BatchSections>, SectionName>, maxRows: number): BatchSections[] {
  const batches: BatchSections[] = [];
  let current: BatchSections = { edges: [] };
  let rows = 0;
  const take = <T>(list: readonly T[], add: (batch: BatchSections, part: T[]) => void): void => {
    for (let i = 0; i < list.length; ) {
      const n = Math.min(maxRows - rows, list.length - i);
      add(current, list.slice(i, i + n));
      rows += n;
      i += n;
      if (rows === maxRows) {
        batches.push(current);
        current = { edges: [] };
        rows = 0;
      }
    }
  };
  take(sections.edges, (b, part) => b.edges.push(...part));
  take(sections.endpoints, (b, part) => (b.endpoints = [...(b.endpoints ?? []), ...part]));
  take(sections.network, (b, part) => (b.network = [...(b.network ?? []), ...part]));
  take(sections.resources, (b, part) => (b.resources = [...(b.resources ?? []), ...part]));
  take(sections.logs, (b, part) => (b.logs = [...(b.logs ?? []), ...part]));
  if (rows > 0) batches.push(current);
  return batches;
}
