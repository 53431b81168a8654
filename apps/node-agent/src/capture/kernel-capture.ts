// The kernel end of capture: loads bpf/src/l7_capture.bpf.c, drains its ring
// buffer and decodes records into CaptureEvents.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BpfObject, type RingBufferConsumer } from '@kinsight/libbpf-ts';
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
}

export interface KernelCaptureStats {
  events: number;
  /** Events the kernel could not put in the ring buffer (it was full). */
  ringDrops: number;
  decodeErrors: number;
  /** Batches dropped because JS fell behind the drain thread. */
  droppedBatches: number;
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
  private finalRingDrops = 0;

  private constructor(private readonly object: BpfObject) {}

  /** Opens, configures, loads and attaches the capture programs. Events flow after start(). */
  static open(opts: KernelCaptureOptions = {}): KernelCapture {
    const { objectPath = defaultObjectPath, payloadCap = ksLayout.payloadMax, excludeTgid = process.pid } = opts;
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
      object.load();
      object.attachAll();
    } catch (error) {
      object.close();
      throw error;
    }
    return new KernelCapture(object);
  }

  /** Starts draining; onEvents gets each decoded batch (never empty). */
  start(onEvents: (events: CaptureEvent[]) => void): void {
    if (this.closed) throw new Error('KernelCapture: start() after close()');
    if (this.consumer) throw new Error('KernelCapture: start() called twice');
    this.consumer = this.object.openRingBuffer(eventsMap, (records) => {
      const events = this.decoder.decodeBatch(records);
      if (events.length > 0) onEvents(events);
    });
  }

  stats(): KernelCaptureStats {
    return {
      events: this.decoder.decoded,
      ringDrops: this.closed ? this.finalRingDrops : this.readRingDrops(),
      decodeErrors: this.decoder.errors,
      droppedBatches: this.consumer?.stats().droppedBatches ?? 0,
    };
  }

  /** Idempotent: stops the drain, detaches the programs, frees the maps. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.consumer?.close();
    this.finalRingDrops = this.readRingDrops();
    this.object.close();
  }

  private readRingDrops(): number {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(ksEnums.stat.ringDrops);
    const perCpu = this.object.mapLookup(statsMap, key);
    const values = Array.isArray(perCpu) ? perCpu : perCpu ? [perCpu] : [];
    return values.reduce((sum, value) => sum + Number(value.readBigUInt64LE(0)), 0);
  }
}
