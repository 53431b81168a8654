import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUCKET_MS } from './aggregate.js';
import {
  bootTimeMs,
  cgroupPathOf,
  containerOfCgroup,
  parseProcCgroup,
  readCgroupUsage,
  readProcessUsage,
  type ContainerRef,
} from './resources.js';

export type ResourceEntity =
  | { kind: 'process'; pid: number; startedAt: number }
  | { kind: 'pod'; uid: string }
  | { kind: 'cgroup'; path: string };

/** One entity's usage in one interval. */
export interface ResourceSample {
  entity: ResourceEntity;
  comm: string | null;
  container: ContainerRef;
  cpuSeconds: number;
  throttledSeconds: number;
  memoryBytes: number;
}

/** The API's resources row: one per 10 s bucket × entity. */
export interface ResourceRow {
  bucketStart: number;
  bucketSeconds: 10;
  node: string;
  entity: { kind: 'process'; pid: number; startedAt: number } | { kind: 'pod'; uid: string };
  cpuSeconds: number;
  throttledSeconds: number;
  memoryBytesSum: number;
  memoryBytesMax: number;
  memorySamples: number;
}

interface Previous {
  cpuSeconds: number;
  throttledSeconds: number;
}

export interface ResourceMonitorOptions {
  procRoot?: string;
  cgroupRoot?: string;
  /** processes watched at once; the oldest is forgotten beyond it */
  maxProcesses?: number;
}

const entityKey = (e: ResourceEntity): string =>
  e.kind === 'process' ? `p:${e.pid}:${e.startedAt}` : e.kind === 'pod' ? `pod:${e.uid}` : `cg:${e.path}`;

/**
 * Samples the traced processes and their cgroups. Counters are cumulative in the kernel; samples carry the
 * change since the previous sample of the same entity (the first sample sets the baseline and reports 0).
 */
export class ResourceMonitor {
  private readonly procRoot: string;
  private readonly cgroupRoot: string;
  private readonly maxProcesses: number;
  private readonly bootMs: number;
  private readonly pids = new Set<number>();
  private readonly previous = new Map<string, Previous>();
  readonly stats = { watched: 0, gone: 0, forgotten: 0 };

  constructor(opts: ResourceMonitorOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.cgroupRoot = opts.cgroupRoot ?? '/sys/fs/cgroup';
    this.maxProcesses = opts.maxProcesses ?? 4096;
    this.bootMs = bootTimeMs(this.procRoot);
  }

  watch(pid: number): void {
    if (this.pids.has(pid)) return;
    if (this.pids.size >= this.maxProcesses) {
      const oldest = this.pids.values().next();
      if (!oldest.done) this.pids.delete(oldest.value);
      this.stats.forgotten++;
    }
    this.pids.add(pid);
    this.stats.watched = this.pids.size;
  }

  sample(): ResourceSample[] {
    const samples: ResourceSample[] = [];
    const cgroupsSeen = new Map<string, ReturnType<typeof parseProcCgroup>>();
    for (const pid of [...this.pids]) {
      const usage = readProcessUsage(pid, this.procRoot, this.bootMs);
      if (!usage) {
        this.pids.delete(pid);
        this.stats.gone++;
        continue;
      }
      let text = '';
      try {
        text = readFileSync(join(this.procRoot, String(pid), 'cgroup'), 'utf8');
      } catch {
        // gone between the two reads
      }
      const cgroups = parseProcCgroup(text);
      const path = cgroupPathOf(cgroups);
      const container = containerOfCgroup(path);
      if (path !== '/') cgroupsSeen.set(path, cgroups);
      const entity: ResourceEntity = { kind: 'process', pid, startedAt: usage.startedAt };
      samples.push({ entity, comm: usage.comm, container, ...this.delta(entity, usage.cpuSeconds, 0), memoryBytes: usage.rssBytes });
    }
    for (const [path, cgroups] of cgroupsSeen) {
      const usage = readCgroupUsage(cgroups, this.cgroupRoot);
      const container = containerOfCgroup(path);
      const entity: ResourceEntity = container.podUid ? { kind: 'pod', uid: container.podUid } : { kind: 'cgroup', path };
      samples.push({
        entity,
        comm: null,
        container,
        ...this.delta(entity, usage.cpuSeconds ?? 0, usage.throttledSeconds ?? 0),
        memoryBytes: usage.memoryBytes ?? 0,
      });
    }
    this.stats.watched = this.pids.size;
    return samples;
  }

  private delta(entity: ResourceEntity, cpuSeconds: number, throttledSeconds: number): Previous {
    const key = entityKey(entity);
    const before = this.previous.get(key);
    this.previous.set(key, { cpuSeconds, throttledSeconds });
    if (this.previous.size > this.maxProcesses * 2) this.previous.delete(this.previous.keys().next().value ?? key);
    if (!before) return { cpuSeconds: 0, throttledSeconds: 0 };
    return { cpuSeconds: Math.max(0, cpuSeconds - before.cpuSeconds), throttledSeconds: Math.max(0, throttledSeconds - before.throttledSeconds) };
  }
}

/** Buckets samples into the API's resource rows (processes and pods; bare cgroups stay on /metrics). */
export class ResourceAggregator {
  private readonly rows = new Map<string, ResourceRow>();

  constructor(private readonly node: string) {}

  add(sample: ResourceSample, epochMs: number): void {
    const entity = sample.entity;
    if (entity.kind === 'cgroup') return;
    const bucketStart = Math.floor(epochMs / BUCKET_MS) * BUCKET_MS;
    const key = `${bucketStart}|${entityKey(entity)}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { bucketStart, bucketSeconds: 10, node: this.node, entity, cpuSeconds: 0, throttledSeconds: 0, memoryBytesSum: 0, memoryBytesMax: 0, memorySamples: 0 };
      this.rows.set(key, row);
    }
    row.cpuSeconds += sample.cpuSeconds;
    row.throttledSeconds += sample.throttledSeconds;
    row.memoryBytesSum += sample.memoryBytes;
    row.memoryBytesMax = Math.max(row.memoryBytesMax, sample.memoryBytes);
    row.memorySamples++;
  }

  drain(beforeEpochMs = Number.POSITIVE_INFINITY): ResourceRow[] {
    const out: ResourceRow[] = [];
    for (const [key, row] of this.rows) {
      if (row.bucketStart + BUCKET_MS <= beforeEpochMs) {
        out.push(row);
        this.rows.delete(key);
      }
    }
    return out;
  }
}
