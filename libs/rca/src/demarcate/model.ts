import type { BadDirection } from '../detect/robust.js';
import { type EntityKind, type SeriesKey, badDirection, seriesId } from '../detect/detector.js';
import { floorFor, median, windowScore } from '../detect/robust.js';

/** The simplified topology the seed describes: services and machines, call and depends-on edges. */
export interface RcaTopology {
  services: readonly string[];
  machines: readonly string[];
  /** horizontal: caller → callee */
  calls: ReadonlyArray<{ from: string; to: string }>;
  /** vertical: a service runs on a machine (or pod) */
  runsOn: ReadonlyArray<{ service: string; machine: string }>;
  /**
   * Nodes seen only through their callers (uninstrumented hosts, load balancers, remote endpoints):
   * their series are the caller's client-side view, not a server's own telemetry.
   */
  external?: readonly string[];
  /**
   * The caller's own id of each node name (the dashboard's `service:<name>` / `external:<address>`),
   * opaque here; reports copy them so a reader can point at the graph without guessing.
   */
  nodeIds?: Readonly<Record<string, string>>;
}

/** A stretch of known-normal history and the window under study, same unit. */
export interface SeriesWindow {
  baseline: readonly number[];
  window: readonly number[];
  /** when each value was taken (epoch ms), parallel to baseline and window; lets a report carry the series to draw */
  times?: { baseline: readonly number[]; window: readonly number[] };
}

export function edgeEntity(from: string, to: string): string {
  return `${from}->${to}`;
}

/** Series of one incident window, looked up by entity kind, entity and metric name. */
export class MetricWindows {
  private readonly byId = new Map<string, SeriesWindow>();

  set(key: SeriesKey, series: SeriesWindow): this {
    this.byId.set(seriesId(key), series);
    return this;
  }

  get(kind: EntityKind, entity: string, metric: string): SeriesWindow | undefined {
    return this.byId.get(seriesId({ kind, entity, metric }));
  }

  /** Robust z of the window median against the baseline, in the metric's bad direction (0 when absent). */
  score(kind: EntityKind, entity: string, metric: string, direction: BadDirection = badDirection(metric)): number {
    const s = this.get(kind, entity, metric);
    return s ? windowScore(s.baseline, s.window, direction, floorFor(metric)) : 0;
  }

  /** Window median minus baseline median (NaN when absent). */
  delta(kind: EntityKind, entity: string, metric: string): number {
    const s = this.get(kind, entity, metric);
    return s ? median(s.window) - median(s.baseline) : Number.NaN;
  }

  /** Window median over baseline median (NaN when absent or the baseline is 0). */
  ratio(kind: EntityKind, entity: string, metric: string): number {
    const s = this.get(kind, entity, metric);
    if (!s) return Number.NaN;
    const b = median(s.baseline);
    return b === 0 ? Number.NaN : median(s.window) / b;
  }

  get size(): number {
    return this.byId.size;
  }
}

/** The symptom being chased and the metric names that carry it on services and call edges. */
/** `any` chases every golden and resource signal, for when the entry's own SLI is not measured. */
export type Symptom = 'latency' | 'errors' | 'availability' | 'traffic' | 'any';

export const SYMPTOM_METRICS: Record<Symptom, readonly string[]> = {
  latency: ['latency_p99', 'latency_p95', 'latency_p90', 'latency_p50', 'latency'],
  errors: ['error_rate'],
  availability: ['availability'],
  traffic: ['requests'],
  any: ['latency_p99', 'latency_p95', 'latency_p90', 'latency_p50', 'latency', 'error_rate', 'availability', 'cpu', 'memory'],
};

export const NETWORK_METRICS = ['retransmits', 'srtt', 'resets', 'drops', 'failed_connects'] as const;
export const RESOURCE_METRICS = ['cpu', 'cpu_throttle', 'memory', 'restarts'] as const;
