// The kernel end of capture: loads l7_capture.bpf.o (bpf/src/l7_capture/), drains its ring
// buffer and decodes records into CaptureEvents.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BpfObject, type ProgramStats, type RingBufferConsumer } from '@kinsight/libbpf-ts';
import { CaptureDecoder, ksEnums, ksLayout, type CaptureEvent } from './events.js';

export const defaultObjectPath = fileURLToPath(new URL('../../../../bpf/.output/l7_capture.bpf.o', import.meta.url));
const buildCommand = 'npx nx run bpf:build';
const eventsMap = 'ks_events';
const statsMap = 'ks_stats';

export interface KernelCaptureOptions {
  /** Compiled l7_capture.bpf.o (default: bpf/.output in this repo). */
  objectPath?: string;
  /** Payload bytes kept per event, 1..4096 (default 4096). */
  payloadCap?: number;
  /** Process never captured (default: this process, so the agent does not see itself; 0 = none). */
  excludeTgid?: number;
  /** Ring buffer size in bytes, a power of two ≥ 4096 (default 16 MiB). */
  ringBytes?: number;
  /** The reader is woken when this much is pending; below it, it polls every `pollMs` (default 256 KiB). */
  wakeupBytes?: number;
  pollMs?: number;
  /** Bytes kept of one stdout/stderr write (default 1024) and such writes per process per second (default 200). */
  logCap?: number;
  logWritesPerSec?: number;
}

/** Run-time filters, held in BPF maps; an empty or absent list means "everything". */
export interface CaptureFilter {
  pids?: readonly number[];
  /** cgroup v2 ids (the inode number of the cgroup directory) */
  cgroupIds?: readonly bigint[];
  ports?: readonly number[];
}

export interface KernelCaptureStats {
  events: number;
  /** Events the kernel put in the ring buffer. */
  submitted: number;
  /** Events the kernel could not put in the ring buffer (it was full). */
  ringDrops: number;
  payloadFaults: number;
  logRateLimited: number;
  filtered: number;
  /** Socket calls the kernel did not copy because the agent asked it to skip their socket (skipSocket). */
  skipped: number;
  /** skipSocket calls that could not reach the kernel map. */
  skipErrors: number;
  decodeErrors: number;
  /** Batches (and their records) dropped because JS fell behind the drain thread. */
  droppedBatches: number;
  droppedRecords: number;
}

export type KernelSupport = { ok: true } | { ok: false; missing: string[] };

// Effective capability bits (linux/capability.h).
const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

function effectiveCapabilities(): bigint {
  const status = readFileSync('/proc/self/status', 'utf8');
  const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  return line?.[1] ? BigInt(`0x${line[1]}`) : 0n;
}

function hasCapability(caps: bigint, cap: bigint): boolean {
  return ((caps >> cap) & 1n) === 1n;
}

/** Says exactly what stops KernelCapture from running here, and how to fix it. */
export function checkKernelSupport(objectPath: string = defaultObjectPath): KernelSupport {
  const missing: string[] = [];
  const caps = effectiveCapabilities();
  if (!hasCapability(caps, CAP_SYS_ADMIN) && !(hasCapability(caps, CAP_BPF) && hasCapability(caps, CAP_PERFMON))) {
    missing.push('privileges: run as root or grant CAP_BPF and CAP_PERFMON');
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    missing.push('kernel BTF: /sys/kernel/btf/vmlinux is missing (needs a kernel built with CONFIG_DEBUG_INFO_BTF=y)');
  }
  if (!existsSync('/sys/kernel/tracing/events/syscalls')) {
    missing.push('tracefs: not mounted at /sys/kernel/tracing (mount -t tracefs nodev /sys/kernel/tracing)');
  }
  if (!existsSync(objectPath)) {
    missing.push(`BPF object: ${objectPath} is not built (run \`${buildCommand}\`)`);
  }
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}

export class KernelCapture {
  private readonly decoder = new CaptureDecoder();
  private consumer: RingBufferConsumer | undefined;
  private closed = false;

  private finalStats: number[] = [];
  private skipErrors = 0;

  private constructor(
    private readonly object: BpfObject,
    private readonly pollMs: number,
  ) {}

  /** Opens, configures, loads and attaches the capture programs. Events flow after start(). */
  static open(opts: KernelCaptureOptions = {}): KernelCapture {
    const {
      objectPath = defaultObjectPath,
      payloadCap = ksLayout.payloadMax,
      excludeTgid = process.pid,
      ringBytes = 16 * 1024 * 1024,
      wakeupBytes = 256 * 1024,
      logCap = 1024,
      logWritesPerSec = 200,
    } = opts;
    if (!Number.isInteger(ringBytes) || ringBytes < 4096 || (ringBytes & (ringBytes - 1)) !== 0) {
      throw new RangeError(`KernelCapture: ringBytes must be a power of two ≥ 4096, got ${ringBytes}`);
    }
    if (!Number.isInteger(logCap) || logCap < 1 || logCap > ksLayout.payloadMax) {
      throw new RangeError(`KernelCapture: logCap must be an integer in 1..${ksLayout.payloadMax}, got ${logCap}`);
    }
    if (!Number.isInteger(payloadCap) || payloadCap < 1 || payloadCap > ksLayout.payloadMax) {
      throw new RangeError(`KernelCapture: payloadCap must be an integer in 1..${ksLayout.payloadMax}, got ${payloadCap}`);
    }
    if (!Number.isInteger(excludeTgid) || excludeTgid < 0) {
      throw new RangeError(`KernelCapture: excludeTgid must be a pid or 0, got ${excludeTgid}`);
    }
    if (!existsSync(objectPath)) {
      throw new Error(`KernelCapture: BPF object ${objectPath} is not built; run \`${buildCommand}\``);
    }
    const object = BpfObject.open(objectPath);
    try {
      object.setGlobal('payload_cap', payloadCap);
      object.setGlobal('exclude_tgid', excludeTgid);
      object.setGlobal('wakeup_bytes', wakeupBytes);
      object.setGlobal('log_cap', logCap);
      object.setGlobal('log_writes_per_sec', logWritesPerSec);
      object.setMapMaxEntries(eventsMap, ringBytes);
      object.load();
      object.attachAll();
    } catch (error) {
      object.close();
      throw error;
    }
    return new KernelCapture(object, opts.pollMs ?? 20);
  }

  /** Replaces the run-time filters; takes effect for the next syscall. */
  setFilter(filter: CaptureFilter): void {
    const sets: [string, Buffer[], number][] = [
      ['ks_filter_pids', (filter.pids ?? []).map((pid) => u32(pid)), ksEnums.filter.pid],
      ['ks_filter_cgroups', (filter.cgroupIds ?? []).map((id) => u64(id)), ksEnums.filter.cgroup],
      ['ks_filter_ports', (filter.ports ?? []).map((port) => u16(port)), ksEnums.filter.port],
    ];
    let flags = 0;
    for (const [map, keys, flag] of sets) {
      for (const [key] of this.object.mapEntries(map)) this.object.mapDelete(map, key);
      for (const key of keys) this.object.mapUpdate(map, key, Buffer.from([1]));
      if (keys.length > 0) flags |= flag;
    }
    const config = Buffer.alloc(8);
    config.writeUInt32LE(flags, 0);
    this.object.mapUpdate('ks_filter_config', u32(0), config);
  }

  /**
   * Stops copying the data of one TCP socket in the kernel (its close, connect and accept still come, and
   * end the skip). For conversations the pipeline would discard anyway; never throws.
   */
  skipSocket(connId: bigint): void {
    if (this.closed) return;
    try {
      this.object.mapUpdate('ks_skip_socks', u64(connId), Buffer.from([1]));
    } catch {
      this.skipErrors++;
    }
  }

  /** Starts draining; onEvents gets each decoded batch (never empty). */
  start(onEvents: (events: CaptureEvent[]) => void): void {
    if (this.closed) throw new Error('KernelCapture: start() after close()');
    if (this.consumer) throw new Error('KernelCapture: start() called twice');
    this.consumer = this.object.openRingBufferRaw(
      eventsMap,
      (bytes, ends) => {
        const events = this.decoder.decodeRaw(bytes, ends);
        if (events.length > 0) onEvents(events);
      },
      { pollMs: this.pollMs, maxBatch: 1024, maxQueuedBatches: 256 },
    );
  }

  stats(): KernelCaptureStats {
    const stat = this.closed ? this.finalStats : this.readStats();
    const at = (index: number): number => stat[index] ?? 0;
    return {
      events: this.decoder.decoded,
      submitted: at(ksEnums.stat.submitted),
      ringDrops: at(ksEnums.stat.ringDrops),
      payloadFaults: at(ksEnums.stat.payloadFaults),
      logRateLimited: at(ksEnums.stat.logRateLimited),
      filtered: at(ksEnums.stat.filtered),
      skipped: at(ksEnums.stat.skipped),
      skipErrors: this.skipErrors,
      decodeErrors: this.decoder.errors,
      droppedBatches: this.consumer?.stats().droppedBatches ?? 0,
      droppedRecords: this.consumer?.stats().droppedRecords ?? 0,
    };
  }

  /** Run count and time per capture program (the kernel counts only while kernel.bpf_stats_enabled=1). */
  programStats(): ProgramStats[] {
    return this.closed ? [] : this.object.programStats();
  }

  /** Idempotent: stops the drain, detaches the programs, frees the maps. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.consumer?.close();
    this.finalStats = this.readStats();
    this.object.close();
  }

  /** Every ks_stats counter, summed over CPUs. */
  private readStats(): number[] {
    const sums: number[] = [];
    for (const [key, perCpu] of this.object.mapEntries(statsMap)) {
      const values = Array.isArray(perCpu) ? perCpu : [perCpu];
      sums[key.readUInt32LE(0)] = values.reduce((sum, value) => sum + Number(value.readBigUInt64LE(0)), 0);
    }
    return sums;
  }
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
}
