export { BpfError } from './bpf-error.js';
export {
  BpfObject,
  kernelBtfEnum,
  setLibbpfLogLevel,
  setThreadSchedulingPolicy,
  type ProgramStats,
  type RingBufferConsumer,
  type RingBufferOptions,
  type RingBufferStats,
} from './bpf-object.js';
export type { LibbpfLogLevel, ThreadSchedulingPolicy } from './native.js';
