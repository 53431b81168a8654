/** Number formatting shared by graph labels, panels and chart axes. */

export function formatRate(requestsPerSecond: number): string {
  if (requestsPerSecond === 0) return '0 rps';
  // Compare after rounding so 99.96 reads "100 rps", not "100.0 rps".
  if (Number(requestsPerSecond.toFixed(1)) >= 100) return `${Math.round(requestsPerSecond)} rps`;
  if (requestsPerSecond >= 0.1) return `${requestsPerSecond.toFixed(1)} rps`;
  return `${requestsPerSecond.toFixed(2)} rps`;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** `errorRate` is a fraction (errors / requests). */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (percent === 0) return '0%';
  if (percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}
