import { type BadDirection, type RobustBaseline, type SpreadFloor, DEFAULT_FLOOR, robustBaseline, robustScore } from './robust.js';

/** What a series describes; an edge entity is `caller->callee`. */
export type EntityKind = 'service' | 'edge' | 'endpoint' | 'machine';

export interface SeriesKey {
  entity: string;
  kind: EntityKind;
  /** requests, error_rate, latency_p50, latency_p99, retransmits, srtt, cpu, memory, … */
  metric: string;
}

export function seriesId(key: SeriesKey): string {
  return `${key.kind}:${key.entity}:${key.metric}`;
}

/** Bad direction per metric name; unknown metrics are treated as "up is bad". */
export function badDirection(metric: string): BadDirection {
  if (metric === 'requests') return 'both';
  if (metric === 'availability' || metric === 'success_rate') return 'down';
  return 'up';
}

export interface DetectorConfig {
  /** baseline ring length in points (60 × 10 s = 10 min) */
  window: number;
  /** points needed before a series may alert */
  minBaseline: number;
  /** recompute median/MAD every this many accepted points (amortises the sort) */
  refreshEvery: number;
  /** robust z above which a point is abnormal */
  threshold: number;
  /** robust z above which an open event is critical */
  critical: number;
  /** open when `confirmK` of the last `confirmN` points are abnormal (≤ 31) */
  confirmK: number;
  confirmN: number;
  /** resolve after this many consecutive normal points */
  resolveAfter: number;
  /** after this many open points the baseline learns the new level (a deploy that doubled latency for good) */
  relearnAfter: number;
  floor: SpreadFloor;
  /** spread floor per metric name, overriding `floor` (shares and counts need their own) */
  floors?: Readonly<Record<string, SpreadFloor>>;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  window: 60,
  minBaseline: 12,
  refreshEvery: 6,
  threshold: 4,
  critical: 8,
  confirmK: 3,
  confirmN: 5,
  resolveAfter: 6,
  relearnAfter: 360,
  floor: DEFAULT_FLOOR,
};

export type Severity = 'warning' | 'critical';

export interface ExceptionEvent {
  id: string;
  key: SeriesKey;
  state: 'open' | 'resolved';
  openedAt: number;
  /** time of the oldest abnormal point among those that confirmed the event (when it began) */
  onsetAt: number;
  resolvedAt: number | null;
  /** time of the first point of the normal streak that resolved it (when it ended) */
  recoveredAt: number | null;
  severity: Severity;
  /** baseline median when the event opened */
  baseline: number;
  peakValue: number;
  peakScore: number;
  lastValue: number;
  /** share of all traffic of this entity kind that passes the entity (× error rate for error_rate) */
  impact: number;
}

export interface DetectorTransition {
  type: 'opened' | 'escalated' | 'resolved';
  event: ExceptionEvent;
}

interface SeriesState {
  key: SeriesKey;
  direction: BadDirection;
  ring: Float64Array;
  size: number;
  head: number;
  sinceRefresh: number;
  baseline: RobustBaseline | null;
  /** last confirmN abnormal flags, bit 0 = newest */
  flags: number;
  normalStreak: number;
  openFor: number;
  /** strongest point while an event is being confirmed, so the peak includes the confirming points */
  pending: { score: number; value: number } | null;
  /** times of the last confirmN points, newest last, so an event knows when its first abnormal point was */
  recent: number[];
  /** time of the first point of the current normal streak */
  normalSince: number;
  lastT: number;
  event: ExceptionEvent | null;
}

/** Time of the oldest point whose abnormal flag is still set (bit i = i points back from the newest). */
function oldestFlagged(flags: number, recent: readonly number[]): number | null {
  for (let back = recent.length - 1; back >= 0; back--) {
    if ((flags >>> back) & 1) return recent[recent.length - 1 - back] ?? null;
  }
  return null;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

/**
 * Online per-series exception detector. Memory per series is one ring of `window` numbers; work per
 * point is O(1) except a median/MAD refresh every `refreshEvery` accepted points, O(window·log window)
 * — amortised a constant for a fixed window. Abnormal points stay out of the baseline, so an incident
 * does not teach the detector that it is normal (until `relearnAfter`).
 */
export class ExceptionDetector {
  private readonly config: DetectorConfig;
  private readonly series = new Map<string, SeriesState>();
  /** callers that reuse their key objects (one per series) skip building the id string on every point */
  private readonly byKey = new WeakMap<SeriesKey, SeriesState>();
  private readonly trafficByEntity = new Map<string, number>();
  private readonly trafficByKind = new Map<EntityKind, number>();
  private nextId = 1;
  /** points refused (non-finite value or time going backwards), for the caller's drop counter */
  rejected = 0;

  constructor(config: Partial<DetectorConfig> = {}) {
    this.config = { ...DEFAULT_DETECTOR_CONFIG, ...config };
    if (this.config.confirmN > 31 || this.config.confirmK > this.config.confirmN || this.config.confirmK < 1) {
      throw new Error(`detector config: confirmK (${this.config.confirmK}) must be 1..confirmN and confirmN (${this.config.confirmN}) ≤ 31`);
    }
  }

  get seriesCount(): number {
    return this.series.size;
  }

  observe(key: SeriesKey, t: number, value: number): DetectorTransition[] {
    if (!Number.isFinite(value) || !Number.isFinite(t)) {
      this.rejected++;
      return [];
    }
    const state = this.stateFor(key);
    if (t <= state.lastT) {
      this.rejected++;
      return [];
    }
    state.lastT = t;
    if (key.metric === 'requests') this.recordTraffic(key, value);

    const cfg = this.config;
    const ready = state.size >= cfg.minBaseline && state.baseline !== null;
    const score = ready && state.baseline ? robustScore(value, state.baseline, state.direction) : 0;
    const abnormal = score >= cfg.threshold;
    state.flags = ((state.flags << 1) | (abnormal ? 1 : 0)) & ((1 << cfg.confirmN) - 1);
    if (!abnormal && state.normalStreak === 0) state.normalSince = t;
    state.normalStreak = abnormal ? 0 : state.normalStreak + 1;
    state.recent.push(t);
    if (state.recent.length > cfg.confirmN) state.recent.shift();

    if (!abnormal || (state.event !== null && state.openFor >= cfg.relearnAfter)) this.accept(state, value);

    const transitions: DetectorTransition[] = [];
    const event = state.event;
    if (event === null) {
      if (state.flags === 0) state.pending = null;
      else if (abnormal && (state.pending === null || score > state.pending.score)) state.pending = { score, value };
      if (ready && popcount(state.flags) >= cfg.confirmK && state.baseline) {
        const peak = state.pending ?? { score, value };
        const opened: ExceptionEvent = {
          id: `exc-${this.nextId++}`,
          key,
          state: 'open',
          openedAt: t,
          onsetAt: oldestFlagged(state.flags, state.recent) ?? t,
          resolvedAt: null,
          recoveredAt: null,
          severity: peak.score >= cfg.critical ? 'critical' : 'warning',
          baseline: state.baseline.median,
          peakValue: peak.value,
          peakScore: peak.score,
          lastValue: value,
          impact: this.impact(key, value),
        };
        state.event = opened;
        state.openFor = 0;
        state.pending = null;
        transitions.push({ type: 'opened', event: { ...opened } });
      }
      return transitions;
    }

    state.openFor++;
    event.lastValue = value;
    if (score > event.peakScore) {
      event.peakScore = score;
      event.peakValue = value;
    }
    event.impact = Math.max(event.impact, this.impact(key, value));
    if (event.severity === 'warning' && score >= cfg.critical) {
      event.severity = 'critical';
      transitions.push({ type: 'escalated', event: { ...event } });
    }
    if (state.normalStreak >= cfg.resolveAfter) {
      event.state = 'resolved';
      event.resolvedAt = t;
      event.recoveredAt = state.normalSince;
      state.event = null;
      transitions.push({ type: 'resolved', event: { ...event } });
    }
    return transitions;
  }

  /** The open event of one series, or null. */
  eventOf(key: SeriesKey): ExceptionEvent | null {
    const event = this.series.get(seriesId(key))?.event;
    return event ? { ...event } : null;
  }

  /**
   * Forgets an open event without a transition: the caller's store says it is already closed (a
   * replay after a restart re-derived an event someone else resolved). Returns whether one was open.
   */
  dismiss(key: SeriesKey): boolean {
    const state = this.series.get(seriesId(key));
    if (!state?.event) return false;
    state.event = null;
    state.openFor = 0;
    return true;
  }

  /** Currently open events, newest first. */
  openEvents(): ExceptionEvent[] {
    const open: ExceptionEvent[] = [];
    for (const s of this.series.values()) if (s.event) open.push({ ...s.event });
    return open.sort((a, b) => b.openedAt - a.openedAt);
  }

  private stateFor(key: SeriesKey): SeriesState {
    const known = this.byKey.get(key);
    if (known) return known;
    const id = seriesId(key);
    let state = this.series.get(id);
    if (!state) {
      state = {
        key,
        direction: badDirection(key.metric),
        ring: new Float64Array(this.config.window),
        size: 0,
        head: 0,
        sinceRefresh: 0,
        baseline: null,
        flags: 0,
        normalStreak: 0,
        openFor: 0,
        pending: null,
        recent: [],
        normalSince: Number.NEGATIVE_INFINITY,
        lastT: Number.NEGATIVE_INFINITY,
        event: null,
      };
      this.series.set(id, state);
    }
    this.byKey.set(key, state);
    return state;
  }

  private accept(state: SeriesState, value: number): void {
    state.ring[state.head] = value;
    state.head = (state.head + 1) % state.ring.length;
    state.size = Math.min(state.size + 1, state.ring.length);
    state.sinceRefresh++;
    // Refresh often while warming up, then every refreshEvery points.
    if (state.baseline === null || state.size < this.config.minBaseline || state.sinceRefresh >= this.config.refreshEvery) {
      state.baseline = robustBaseline(state.ring.subarray(0, state.size), this.config.floors?.[state.key.metric] ?? this.config.floor);
      state.sinceRefresh = 0;
    }
  }

  private recordTraffic(key: SeriesKey, requests: number): void {
    const id = `${key.kind}:${key.entity}`;
    const before = this.trafficByEntity.get(id) ?? 0;
    this.trafficByEntity.set(id, requests);
    this.trafficByKind.set(key.kind, (this.trafficByKind.get(key.kind) ?? 0) - before + requests);
  }

  private impact(key: SeriesKey, value: number): number {
    const total = this.trafficByKind.get(key.kind) ?? 0;
    const own = this.trafficByEntity.get(`${key.kind}:${key.entity}`);
    const share = own !== undefined && total > 0 ? own / total : 0;
    return key.metric === 'error_rate' ? share * Math.min(1, Math.max(0, value)) : share;
  }
}
