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
  type LifecycleEvent,
  type LogEvent,
  type Transport,
} from './events.js';
export {
  KernelCapture,
  checkKernelSupport,
  defaultObjectPath,
  type CaptureFilter,
  type KernelCaptureOptions,
  type KernelCaptureStats,
  type KernelSupport,
} from './kernel-capture.js';
export { decodeTcpConn, deltaOf, ksTcpEnums, ksTcpLayout, type TcpConnDelta, type TcpConnSnapshot, type TcpRole } from './net-stats.js';
export { NetworkMonitor, defaultNetObjectPath, dropReasonNames, type NetworkInterval, type NetworkMonitorStats } from './network-monitor.js';
