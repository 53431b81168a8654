import { type GoldenMetrics, type Health, type HealthThresholds } from './model.js';

/** Raw sums that golden metrics derive from; sums add up, rates do not. */
export interface TrafficTotals {
  requests: number;
  errors: number;
  latencySumMs: number;
}

export function emptyTotals(): TrafficTotals {
  return { requests: 0, errors: 0, latencySumMs: 0 };
}

export function addTotals(into: TrafficTotals, more: TrafficTotals): void {
  into.requests += more.requests;
  into.errors += more.errors;
  into.latencySumMs += more.latencySumMs;
}

/** Golden metrics of traffic seen over `windowSeconds`. */
export function goldenMetrics(totals: TrafficTotals, windowSeconds: number): GoldenMetrics {
  const { requests, errors, latencySumMs } = totals;
  return {
    requests,
    errors,
    requestRate: windowSeconds > 0 ? requests / windowSeconds : 0,
    errorRate: requests > 0 ? errors / requests : 0,
    meanLatencyMs: requests > 0 ? latencySumMs / requests : null,
  };
}

/** Idle beats everything: no traffic says nothing about health. Then errors, then latency. */
export function classifyHealth(metrics: GoldenMetrics, thresholds: HealthThresholds): Health {
  if (metrics.requests === 0) return 'idle';
  if (metrics.errorRate >= thresholds.errorRateCritical) return 'critical';
  if (metrics.errorRate >= thresholds.errorRateWarning) return 'warning';
  if (metrics.meanLatencyMs !== null && metrics.meanLatencyMs >= thresholds.meanLatencyWarningMs) return 'warning';
  return 'healthy';
}
