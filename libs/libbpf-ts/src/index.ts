export { BpfError } from './bpf-error.js';
export {
  BpfObject,
  setLibbpfLogLevel,
  type RingBufferConsumer,
  type RingBufferOptions,
  type RingBufferStats,
} from './bpf-object.js';
export type { LibbpfLogLevel } from './native.js';
