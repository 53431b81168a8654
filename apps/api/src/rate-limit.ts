/**
 * Failed sign-ins per key (username and client address) in a sliding window. In memory: one
 * replica's view; docs/SCALING.md says what replicas need instead.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may try again, 0 when it may now. */
  blockedFor(key: string, nowMs: number): number {
    const recent = this.recent(key, nowMs);
    if (recent.length < this.maxFailures) return 0;
    return (recent[0] ?? nowMs) + this.windowMs - nowMs;
  }

  fail(key: string, nowMs: number): void {
    this.failures.set(key, [...this.recent(key, nowMs), nowMs]);
    // Keys of attackers who gave up must not grow the map forever.
    if (this.failures.size > 10_000) {
      for (const [k] of this.failures) if (this.recent(k, nowMs).length === 0) this.failures.delete(k);
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > nowMs - this.windowMs);
  }
}
