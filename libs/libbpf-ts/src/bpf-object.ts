import { native } from './bpf-error.js';
import { loadAddon, type LibbpfLogLevel, type NativeBpfObject, type NativeRingHandle } from './native.js';

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

  /**
   * Drains a BPF_MAP_TYPE_RINGBUF map on a native thread and delivers batches of records.
   * Like a listening socket, an open consumer keeps the process alive until closed.
   */
  openRingBuffer(
    map: string,
    onBatch: (records: Buffer[]) => void,
    opts: RingBufferOptions = {},
  ): RingBufferConsumer {
    const { onError = (error: unknown) => process.emitWarning(`ring buffer ${map}: onBatch threw: ${String(error)}`), ...limits } = opts;
    let callbackErrors = 0;
    const guarded = (records: Buffer[]): void => {
      try {
        onBatch(records);
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
