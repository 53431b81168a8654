import type { MetricWindows, SeriesWindow } from '../demarcate/model.js';
import { median } from '../detect/robust.js';

/**
 * How much a container's memory grew, on a yardstick that does not make small containers look leaky.
 *
 * Against its own baseline a small container doubles from a few megabytes: the process a CPU hog
 * starts inside an 8 MB Go service takes it to 2.2×, while a memory leak in a 340 MB JVM service shows
 * as 2–3×. Memory pressure is about bytes the system must find, so the growth is measured against the
 * larger of the container's own usual level and the typical level of the system's containers — the
 * geometric mean of their usual levels, since container sizes spread over orders of magnitude. For a
 * container at or above the typical size this is exactly window peak / usual level, as before.
 *
 * Returns 1 + (peak − usual) / max(usual, typical); NaN when the container has no usable baseline.
 */
export function memoryGrowth(suspect: SeriesWindow, peers: readonly SeriesWindow[]): number {
  const usual = median(suspect.baseline.filter(Number.isFinite));
  const peak = Math.max(...suspect.window.filter(Number.isFinite));
  if (!Number.isFinite(usual) || usual <= 0 || !Number.isFinite(peak)) return Number.NaN;
  const typical = typicalLevel(peers.map((p) => median(p.baseline.filter(Number.isFinite))));
  return 1 + (peak - usual) / Math.max(usual, Number.isFinite(typical) ? typical : usual);
}

/** Geometric mean of the positive levels (NaN when there are none). */
export function typicalLevel(levels: readonly number[]): number {
  const positive = levels.filter((l) => Number.isFinite(l) && l > 0);
  if (positive.length === 0) return Number.NaN;
  return Math.exp(positive.reduce((s, l) => s + Math.log(l), 0) / positive.length);
}

/**
 * `memoryGrowth` of one service's `memory` series against every other service's, as the fault tree's
 * `suspect.memory_ratio` evidence should read it. NaN when the service has no memory series.
 */
export function serviceMemoryGrowth(metrics: MetricWindows, services: readonly string[], suspect: string): number {
  const own = metrics.get('service', suspect, 'memory');
  if (!own) return Number.NaN;
  const peers = services.filter((s) => s !== suspect).flatMap((s) => metrics.get('service', s, 'memory') ?? []);
  return memoryGrowth(own, peers);
}
