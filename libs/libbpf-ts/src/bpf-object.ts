import { native } from './bpf-error.js';
import {
  loadAddon,
  type LibbpfLogLevel,
  type NativeBpfObject,
  type NativeProgramStats,
  type ThreadSchedulingPolicy,
  type NativeRingHandle,
} from './native.js';

/** Run count and cumulated run time of one program; the kernel counts only while kernel.bpf_stats_enabled=1. */
export type ProgramStats = NativeProgramStats;

export interface RingBufferStats {
  /** Records read from the ring. */
  records: number;
  /** Batches handed to JS. */
  batches: number;
  /** Batches thrown away because JS had `maxQueuedBatches` waiting. */
  droppedBatches: number;
  droppedRecords: number;
  /** Errors thrown by onBatch (passed to onError); they never stop the drain. */
  callbackErrors: number;
  /** Why the drain thread stopped on its own (an errno name), or null. */
  pollError: string | null;
}

export interface RingBufferConsumer {
  stats(): RingBufferStats;
  /** Idempotent. Stops and joins the drain thread; queued batches are still delivered. */
  close(): void;
}

export interface RingBufferOptions {
  /** Records per batch (default 256). */
  maxBatch?: number;
  /** Poll timeout of the drain thread (default 100 ms); close() waits at most this long. */
  pollMs?: number;
  /** Batches waiting for JS before new ones are dropped (default 64). */
  maxQueuedBatches?: number;
  /** Receives errors thrown by onBatch (default: process.emitWarning). */
  onError?: (error: unknown) => void;
}

/** Where libbpf's own messages go: nowhere by default, stderr up to `level`. */
export function setLibbpfLogLevel(level: LibbpfLogLevel): void {
  native(() => loadAddon().setLibbpfLogLevel(level));
}

/**
 * The members of a kernel enum as the running kernel's BTF names them (`skb_drop_reason` numbers differ
 * between kernel versions, so they are resolved here rather than compiled in).
 */
export function kernelBtfEnum(name: string): Record<string, number> {
  return native(() => loadAddon().kernelBtfEnum(name));
}

/**
 * Sets one thread's scheduling policy: `idle` (SCHED_IDLE: runs only on CPU time no other thread wants, and
 * any waking normal thread preempts it at once) or `other` (SCHED_OTHER, the default). Threads a thread
 * starts afterwards inherit its policy, the ring drain thread included.
 */
export function setThreadSchedulingPolicy(tid: number, policy: ThreadSchedulingPolicy): void {
  native(() => loadAddon().setThreadSchedulingPolicy(tid, policy));
}

/**
 * A BPF object file through libbpf's lifecycle:
 * open → setGlobal → load → attachAll → openRingBuffer / mapLookup → close.
 * Every failure is a BpfError naming the step and the errno.
 */
export class BpfObject {
  private readonly consumers = new Set<NativeRingHandle>();

  private constructor(
    readonly path: string,
    private readonly handle: NativeBpfObject,
  ) {}

  /** bpf_object__open_file: parses the ELF; nothing reaches the kernel yet. */
  static open(path: string): BpfObject {
    const { NativeBpfObject: Native } = loadAddon();
    return new BpfObject(path, native(() => new Native(path)));
  }

  /** Sets a `const volatile` global (in .rodata) before load. Numbers must fit the variable. */
  setGlobal(name: string, value: Buffer | number | bigint): void {
    native(() => this.handle.setGlobal(name, value));
  }

  /** Resizes a map before load (e.g. a ring buffer: a power of two, a multiple of the page size). */
  setMapMaxEntries(map: string, entries: number): void {
    native(() => this.handle.setMapMaxEntries(map, entries));
  }

  /** Creates maps, relocates (CO-RE) and verifies every program. */
  load(): void {
    native(() => this.handle.load());
  }

  /** Attaches every program by its SEC name; all or nothing. Returns the section names attached. */
  attachAll(): string[] {
    return native(() => this.handle.attachAll());
  }

  /** One value, one value per possible CPU for per-CPU maps, or null if the key is absent. */
  mapLookup(map: string, key: Buffer): Buffer[] | Buffer | null {
    return native(() => this.handle.mapLookup(map, key));
  }

  /** Inserts or replaces one entry of a (non per-CPU) map; key and value sizes must match the map. */
  mapUpdate(map: string, key: Buffer, value: Buffer): void {
    native(() => this.handle.mapUpdate(map, key, value));
  }

  /** Deletes one entry; false when it was absent. */
  mapDelete(map: string, key: Buffer): boolean {
    return native(() => this.handle.mapDelete(map, key));
  }

  /** Every entry of a hash or array map as [key, value] (values per CPU for per-CPU maps); bounded by max_entries. */
  mapEntries(map: string): [Buffer, Buffer[] | Buffer][] {
    return native(() => this.handle.mapEntries(map));
  }

  programStats(): ProgramStats[] {
    return native(() => this.handle.programStats());
  }

  /**
   * Drains a BPF_MAP_TYPE_RINGBUF map on a native thread and delivers batches of records.
   * Like a listening socket, an open consumer keeps the process alive until closed.
   */
  openRingBuffer(
    map: string,
    onBatch: (records: Buffer[]) => void,
    opts: RingBufferOptions = {},
  ): RingBufferConsumer {
    return this.openRingBufferRaw(
      map,
      (bytes, ends) => {
        // Views, not copies: one allocation per batch came from the native side.
        const records = new Array<Buffer>(ends.length);
        let start = 0;
        for (let i = 0; i < ends.length; i++) {
          const end = ends[i] ?? start;
          records[i] = bytes.subarray(start, end);
          start = end;
        }
        onBatch(records);
      },
      opts,
    );
  }

  /**
   * Like openRingBuffer, without a view object per record: `bytes` holds the batch's records back to back
   * and record i spans [ends[i - 1] (0 for the first), ends[i]). For consumers that decode tens of thousands
   * of records per second in place. The batch memory is never reused: a view of it stays valid.
   */
  openRingBufferRaw(
    map: string,
    onBatch: (bytes: Buffer, ends: Uint32Array) => void,
    opts: RingBufferOptions = {},
  ): RingBufferConsumer {
    const { onError = (error: unknown) => process.emitWarning(`ring buffer ${map}: onBatch threw: ${String(error)}`), ...limits } = opts;
    let callbackErrors = 0;
    const guarded = (bytes: Buffer, ends: Uint32Array): void => {
      try {
        onBatch(bytes, ends);
      } catch (error) {
        callbackErrors++;
        onError(error);
      }
    };
    const ring = native(() => this.handle.openRingBuffer(map, guarded, limits));
    this.consumers.add(ring);
    return {
      stats: () => ({ ...ring.stats(), callbackErrors }),
      close: () => {
        ring.close();
        this.consumers.delete(ring);
      },
    };
  }

  /** Idempotent: stops consumers, detaches links, closes the object. */
  close(): void {
    for (const ring of this.consumers) ring.close();
    this.consumers.clear();
    this.handle.close();
  }
}
