/**
 * BPF timestamps are CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns); process.hrtime reads the same clock
 * on Linux. One offset taken at start turns them into wall-clock milliseconds.
 */
export class MonotonicClock {
  private readonly offsetMs: number;

  constructor(nowMs: number = Date.now(), monoNs: bigint = process.hrtime.bigint()) {
    this.offsetMs = nowMs - Number(monoNs / 1_000_000n);
  }

  toEpochMs(monoNs: bigint): number {
    return this.offsetMs + Number(monoNs / 1000n) / 1000;
  }

  static nsToMs(ns: bigint): number {
    return Number(ns / 1000n) / 1000;
  }
}
