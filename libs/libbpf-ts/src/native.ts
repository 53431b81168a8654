// The compiled addon and the shape of what it exports. Only this file touches it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeRingStats {
  records: number;
  batches: number;
  droppedBatches: number;
  droppedRecords: number;
  pollError: string | null;
}

export interface NativeRingHandle {
  stats(): NativeRingStats;
  close(): void;
}

export interface NativeRingOptions {
  maxBatch?: number;
  pollMs?: number;
  maxQueuedBatches?: number;
}

export interface NativeBpfObject {
  setGlobal(name: string, value: Buffer | number | bigint): void;
  load(): void;
  attachAll(): string[];
  setMapMaxEntries(map: string, entries: number): void;
  mapLookup(map: string, key: Buffer): Buffer[] | Buffer | null;
  mapUpdate(map: string, key: Buffer, value: Buffer): void;
  mapDelete(map: string, key: Buffer): boolean;
  mapEntries(map: string): [Buffer, Buffer[] | Buffer][];
  programStats(): NativeProgramStats[];
  /** onBatch gets the batch's records back to back and the end offset of each. */
  openRingBuffer(map: string, onBatch: (bytes: Buffer, ends: Uint32Array) => void, options: NativeRingOptions): NativeRingHandle;
  close(): void;
}

export interface NativeProgramStats {
  name: string;
  runCount: number;
  runTimeNs: number;
}

export type LibbpfLogLevel = 'silent' | 'warn' | 'info' | 'debug';

interface Addon {
  NativeBpfObject: new (path: string) => NativeBpfObject;
  setLibbpfLogLevel(level: LibbpfLogLevel): void;
  kernelBtfEnum(name: string): Record<string, number>;
  setThreadSchedulingPolicy(tid: number, policy: ThreadSchedulingPolicy): void;
}

export type ThreadSchedulingPolicy = 'idle' | 'other';

const addonUrl = new URL('../build/Release/libbpf_ts.node', import.meta.url);
let addon: Addon | undefined;

export function loadAddon(): Addon {
  if (addon) return addon;
  const addonPath = fileURLToPath(addonUrl);
  if (!existsSync(addonPath)) {
    throw new Error(`libbpf-ts: native addon ${addonPath} is not built; run \`npx nx run libbpf-ts:build-addon\``);
  }
  addon = createRequire(import.meta.url)(addonPath) as Addon;
  return addon;
}
