export {
  CaptureDecoder,
  decodeCaptureEvent,
  formatIpv6,
  ksEnums,
  ksLayout,
  type CaptureEvent,
  type CloseEvent,
  type DataEvent,
  type DataSyscall,
  type DecodeResult,
  type Direction,
} from './events.js';
export {
  KernelCapture,
  checkKernelSupport,
  defaultObjectPath,
  type KernelCaptureOptions,
  type KernelCaptureStats,
  type KernelSupport,
} from './kernel-capture.js';
