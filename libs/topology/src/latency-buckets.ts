/**
 * Fixed, log-spaced latency histogram buckets shared by the agent (which counts calls into them)
 * and the API (which stores, sums and reads percentiles from them). Fixed bounds make histograms
 * from any agent and any time add up bucket by bucket, which is what rollups need.
 */

/** Upper bounds in ms, doubling from 0.5 ms to ~65 s; a last, open bucket holds everything slower. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = Array.from({ length: 18 }, (_, i) => 0.5 * 2 ** i);

/** Bucket counts per histogram: one per bound plus the overflow bucket. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

/** Index of the bucket a latency falls into: the first bound it does not exceed. */
export function latencyBucketIndex(latencyMs: number): number {
  const index = LATENCY_BUCKET_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BUCKET_BOUNDS_MS.length : index;
}

/** An empty histogram, ready to count into. */
export function emptyLatencyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram, interpolated linearly inside the bucket it falls in,
 * as Prometheus' histogram_quantile does; null when the histogram is empty. The overflow bucket
 * answers with the last bound: the histogram cannot say more.
 */
export function latencyQuantileMs(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const upper = LATENCY_BUCKET_BOUNDS_MS[i];
      if (upper === undefined) return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1] ?? null;
      const lower = i === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[i - 1] ?? 0);
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return null;
}
